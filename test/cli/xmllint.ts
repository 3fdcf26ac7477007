// JUnit files checked the way a CI system would read them: validated against the Jenkins xUnit
// plugin's junit-10.xsd with xmllint (Debian's libxml2-utils), and read back with XPath.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const XSD = path.resolve(__dirname, '..', 'fixtures', 'junit-10.xsd');

const xmllint = (args: ReadonlyArray<string>): string => {
  try {
    return execFileSync('xmllint', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT')
      throw new Error('xmllint is not installed: apt-get install libxml2-utils (.ci/run installs it)');
    throw new Error(`xmllint ${args.join(' ')} failed:\n${e.stderr ?? e.message}`);
  }
};

/** Throws with xmllint's explanation unless `file` is valid against junit-10.xsd. */
export const expectValidJUnit = (file: string): void => void xmllint(['--noout', '--schema', XSD, file]);

/** What an XML parser reads in `file` at an XPath expression, as text. */
export const xpath = (file: string, expression: string): string =>
  // xmllint ends what it prints with one newline of its own.
  xmllint(['--xpath', expression, file]).replace(/\n$/, '');
