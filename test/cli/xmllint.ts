// JUnit files checked the way a CI system would read them: validated against the Jenkins xUnit
// plugin's junit-10.xsd and read back with XPath, both by libxml2's own xmllint built to
// WebAssembly (the xmllint-wasm devDependency), so the tests need nothing installed beside Node.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateXML, type XMLValidationResult } from 'xmllint-wasm';

const XSD = path.resolve(__dirname, '..', 'fixtures', 'junit-10.xsd');
const schema = { fileName: 'junit-10.xsd', contents: fs.readFileSync(XSD, 'utf8') };

/** The file under a name xmllint cannot mistake for an option, whatever the test called it. */
// Bytes, not text: invalid UTF-8 in a report must reach the parser as it is, not be repaired on the way.
const input = (file: string) => ({ fileName: 'report.xml', contents: new Uint8Array(fs.readFileSync(file)) });

/** Resolves unless `file` breaks junit-10.xsd; rejects with xmllint's explanation, line by line. */
export const expectValidJUnit = async (file: string): Promise<void> => {
  const r: XMLValidationResult = await validateXML({ xml: input(file), schema });
  if (!r.valid) throw new Error(`${file} is not valid against junit-10.xsd:\n${r.rawOutput}`);
};

/** What an XML parser reads in `file` at an XPath expression, as text. */
export const xpath = async (file: string, expression: string): Promise<string> => {
  const r = await validateXML({
    xml: input(file),
    // `normalization` makes the library hand back xmllint's standard output; the arguments are then
    // replaced by an XPath query, which xmllint prints there instead of the document.
    normalization: 'format',
    modifyArguments: () => ['--xpath', expression, 'report.xml'],
  });
  if (!r.valid) throw new Error(`xmllint --xpath ${expression} failed on ${file}:\n${r.rawOutput}`);
  // xmllint ends what it prints with one newline of its own.
  return r.normalized.replace(/\n$/, '');
};
