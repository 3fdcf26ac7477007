// Mission text → a plain value plus a way to find any path's line and column. This is the only
// file that touches the `yaml` package (yaml-fast-read.ts reads clean documents with js-yaml first). It is also where hostile input is stopped: size, nesting,
// alias expansion (billion laughs), recursive aliases and tags that would construct objects.
import { utf8Length } from './utf8-length.js';
import { fastRead } from './yaml-fast-read.js';
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Alias,
  type Document,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { SourcePosition } from './errors.js';
import { error, warning, type Draft } from './draft.js';
import { pathOfLink, type Path, type PathLink } from './path.js';

/** How mission text is read. */
export interface SourceOptions {
  readonly format: 'yaml' | 'json';
  readonly maxBytes: number;
  /** Nesting deeper than this is refused (missions need about 8 levels). */
  readonly maxDepth: number;
  /** Nodes after alias expansion; beyond it the document is an alias bomb or simply too big. */
  readonly maxNodes: number;
}

/** A parsed document: its value and where each path sits in the text. */
export interface Source {
  readonly value: unknown;
  /** The position of the value (or key) at `path`, or of its nearest existing ancestor. */
  readonly locate: (path: Path, at: 'key' | 'value') => SourcePosition;
  /** The text of the scalar at `path` as written (`1.0`, where the value read is the number 1). */
  readonly scalarText: (path: Path) => string | undefined;
}

/** What reading produced: problems found, and the document when it could be read at all. */
export interface SourceResult {
  readonly drafts: ReadonlyArray<Draft>;
  readonly source?: Source;
}

const START: SourcePosition = { line: 1, column: 1 };

// The core schema's own tags are harmless (they only say "this is a string"); every other tag
// either constructs an object (`!!binary`, `!!set`, `!!timestamp`) or means something only to
// some other program (`!js/function`, `!Ref`), so it is refused rather than silently read as text.
const ALLOWED_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`).concat(['!']),
);

// eslint-disable-next-line no-control-regex -- the whole point is to find any character above 0x7f
const NON_ASCII = /[^\x00-\x7f]/;

/** UTF-8 length of `text`, computed only when the cheap bounds cannot decide. */
const boundedUtf8Length = (text: string, limit: number): number => {
  if (text.length > limit) return text.length;
  if (text.length * 3 <= limit) return text.length;
  // ASCII text (most missions) is as many bytes as characters; the regular expression scans natively.
  if (!NON_ASCII.test(text)) return text.length;
  return utf8Length(text);
};

const positionOfOffset = (text: string, offset: number): SourcePosition => {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
};

const jsonError = (text: string): Draft | undefined => {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /position (\d+)/.exec(message);
    return error({
      code: 'yaml_syntax',
      path: [],
      position: at ? positionOfOffset(text, Number(at[1])) : START,
      message: `invalid JSON: ${message.split('\n')[0]}`,
      hint: 'check for a missing comma or quote, or a trailing comma, just before this point',
    });
  }
};

const syntaxHints: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces: YAML does not allow tabs for indentation',
  BAD_INDENT: 'check the indentation: items of one list or map must line up',
  BLOCK_AS_IMPLICIT_KEY: 'check the indentation of this line and the one above',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; is a `:` or a quote missing on the line above?',
  UNEXPECTED_TOKEN: 'quote values that contain `: `, `#`, `{`, `[` or start with `*`, `&`, `!`, `%`, `@`',
};

const syntaxHint = (code: string, message: string): string | undefined => {
  if (code === 'MISSING_CHAR') {
    if (/quote/i.test(message)) return 'a quote is not closed: look for the opening quote above this point';
    if (/[\]}]|flow/i.test(message))
      return 'a bracket is not closed: look for the opening `[` or `{` above this point';
    return 'check the indentation and the `-` of list items near this line';
  }
  return syntaxHints[code];
};

const keyText = (key: unknown): string | undefined => {
  if (key === null || key === undefined) return '';
  if (isScalar(key)) return key.value === null ? '' : String(key.value);
  return undefined;
};

type Visit =
  | { readonly exit: false; readonly node: YamlNode | null; readonly link: PathLink | undefined }
  | { readonly exit: true; readonly node: YamlNode };

interface Walk {
  readonly drafts: Draft[];
  readonly aliasTargets: Map<Alias, YamlNode>;
  /** False when the walk stopped early (too deep or too big): the value must not be built. */
  readonly complete: boolean;
}

/** One pass over the tree, in document order and without recursion: tags, keys, depth, aliases and their expanded size. */
const walk = (
  doc: Document,
  options: SourceOptions,
  locate: (n: YamlNode | Pair | null) => SourcePosition,
): Walk => {
  const drafts: Draft[] = [];
  const anchors = new Map<string, YamlNode>();
  const aliasTargets = new Map<Alias, YamlNode>();
  const open = new Set<YamlNode>();
  const sizes = new Map<YamlNode, number>();
  const stack: Visit[] = [{ exit: false, node: doc.contents as YamlNode | null, link: undefined }];
  let nodes = 0;
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v.exit) {
      const n = v.node;
      open.delete(n);
      let size = 1;
      const children: Array<unknown> = isMap(n)
        ? n.items.flatMap((p) => [p.key, p.value])
        : isSeq(n)
          ? n.items
          : [];
      for (const c of children) size += c === null || c === undefined ? 0 : (sizes.get(c as YamlNode) ?? 1);
      sizes.set(n, size);
      continue;
    }
    const n = v.node;
    if (n === null || n === undefined) continue;
    const depth = v.link?.depth ?? 0;
    if (depth > options.maxDepth) {
      drafts.push(
        error({
          code: 'too_deep',
          path: pathOfLink(v.link),
          position: locate(n),
          message: `the document nests more than ${options.maxDepth} levels deep`,
          hint: 'a mission needs a handful of levels; flatten this value or move it into a file the step reads',
        }),
      );
      return { drafts, aliasTargets, complete: false };
    }
    if (isAlias(n)) {
      const target = anchors.get(n.source);
      if (target === undefined) {
        drafts.push(
          error({
            code: 'yaml_syntax',
            path: pathOfLink(v.link),
            position: locate(n),
            message: `alias \`*${n.source}\` refers to no anchor defined before it`,
            hint: `define \`&${n.source}\` on a value earlier in the file`,
          }),
        );
        continue;
      }
      if (open.has(target)) {
        drafts.push(
          error({
            code: 'alias_limit',
            path: pathOfLink(v.link),
            position: locate(n),
            message: `alias \`*${n.source}\` is inside the value it refers to, which would make it infinite`,
            hint: 'an alias may only repeat a value defined before it and outside it',
          }),
        );
        return { drafts, aliasTargets, complete: false };
      }
      aliasTargets.set(n, target);
      const size = sizes.get(target) ?? 1;
      sizes.set(n, size);
      nodes += size;
      if (nodes > options.maxNodes) {
        drafts.push(
          error({
            code: 'alias_limit',
            path: pathOfLink(v.link),
            position: locate(n),
            message: `aliases expand this document to more than ${options.maxNodes} values`,
            found: `\`*${n.source}\` alone repeats ${size} values`,
            hint: 'this looks like an alias bomb ("billion laughs"); repeat less, or write the values out',
          }),
        );
        return { drafts, aliasTargets, complete: false };
      }
      continue;
    }
    nodes += 1;
    if (nodes > options.maxNodes) {
      drafts.push(
        error({
          code: 'too_large',
          path: pathOfLink(v.link),
          position: locate(n),
          message: `the document holds more than ${options.maxNodes} values`,
          hint: 'split the mission, or raise `maxBytes` if this size is intended',
        }),
      );
      return { drafts, aliasTargets, complete: false };
    }
    if (n.anchor !== undefined && n.anchor !== null) anchors.set(n.anchor, n);
    if (n.tag !== undefined && !ALLOWED_TAGS.has(n.tag)) {
      drafts.push(
        error({
          code: 'forbidden_tag',
          path: pathOfLink(v.link),
          position: locate(n),
          message: `the YAML tag \`${n.tag.replace(/^tag:yaml\.org,2002:/, '!!')}\` is not allowed`,
          found: n.tag,
          expected: 'plain YAML values (strings, numbers, booleans, null, lists, maps)',
          hint:
            pathOfLink(v.link).at(-1) === 'if'
              ? `YAML reads a leading \`!\` as a tag: quote the condition, \`if: "${[n.tag, (n as { source?: unknown }).source].filter((x) => typeof x === 'string' && x !== '').join(' ')}"\``
              : 'remove the tag; missions are plain data, and tags that construct objects are refused for safety',
        }),
      );
    }
    if (isMap(n) || isSeq(n)) {
      open.add(n);
      stack.push({ exit: true, node: n });
    }
    if (isSeq(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) {
        stack.push({
          exit: false,
          node: n.items[i] as YamlNode | null,
          link: { parent: v.link, segment: i, depth: depth + 1 },
        });
      }
    } else if (isMap(n)) {
      const seen = new Map<string, Pair>();
      const pending: Visit[] = [];
      for (const pair of n.items) {
        const key = keyText(pair.key);
        if (key === undefined) {
          drafts.push(
            error({
              code: 'invalid_type',
              path: pathOfLink(v.link),
              position: locate(pair.key as YamlNode),
              message: 'a map key must be a plain string',
              found: isAlias(pair.key) ? 'an alias' : 'a list or map used as a key',
              expected: 'a string key',
              hint: 'write the key as plain text',
            }),
          );
          continue;
        }
        const first = seen.get(key);
        const link: PathLink = { parent: v.link, segment: key, depth: depth + 1 };
        if (first !== undefined) {
          const firstAt = locate(first);
          drafts.push(
            error({
              code: 'duplicate_key',
              path: pathOfLink(link),
              at: 'key',
              position: locate(pair),
              message: `duplicate key \`${key}\` (first at line ${firstAt.line})`,
              hint: 'remove one of them: YAML would silently keep only the last',
            }),
          );
        }
        seen.set(key, pair);
        // Keys are scalars (checked above), so only values are walked; the key still counts as a node.
        nodes += 1;
        pending.push({ exit: false, node: pair.value as YamlNode | null, link });
      }
      for (let i = pending.length - 1; i >= 0; i--) stack.push(pending[i]!);
    }
  }
  return { drafts, aliasTargets, complete: true };
};

/**
 * The \`yaml\` package builds a quoted scalar by appending to a string piece by piece; V8 keeps
 * such a string as a tree of pieces (about 32 bytes per character) until something reads it.
 * Reading one character of each string flattens it in place, so a mission holding a 4 MiB
 * string costs the host 4 MiB, not 130.
 */
const flattenStrings = (value: unknown): void => {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.length > 64) v.charCodeAt(0);
    } else if (typeof v === 'object' && v !== null && !seen.has(v)) {
      // Aliases share their target: each object is visited once.
      seen.add(v);
      for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push(x);
    }
  }
};

/**
 * Reads mission text into a value, with every problem the text itself has (never throws).
 * `reader: 'yaml'` skips the fast reader: the reading it must always agree with (tests compare them).
 */
export const readSource = (
  text: string,
  options: SourceOptions,
  reader: 'fast' | 'yaml' = 'fast',
): SourceResult => {
  const bytes = boundedUtf8Length(text, options.maxBytes);
  if (bytes > options.maxBytes) {
    return {
      drafts: [
        error({
          code: 'too_large',
          path: [],
          position: START,
          message: `the mission is ${bytes} bytes, more than the limit of ${options.maxBytes}`,
          hint: 'split it into smaller missions, or pass a larger `maxBytes` to parseMission if this size is intended',
        }),
      ],
    };
  }
  if (options.format === 'json') {
    const bad = jsonError(text);
    if (bad !== undefined) return { drafts: [bad] };
  }
  // YAML 1.2 counts a lone carriage return (classic Mac line ends) as a line break, but the
  // `yaml` package only knows \n and \r\n: read such text as the spec does. Same length, so every
  // offset, line and column still points into the text as written.
  const yamlText = options.format === 'yaml' && text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
  // Most missions are plain, clean YAML: js-yaml reads them much faster, and the `yaml` library's
  // document (for positions) is built only if a problem has to be located.
  const fast = reader === 'fast' ? fastRead(yamlText, options) : undefined;
  if (fast === undefined) return readWithYaml(text, yamlText, options);
  let slow: Source | null | undefined;
  const full = (): Source | undefined => {
    if (slow === undefined) slow = readWithYaml(text, yamlText, options).source ?? null;
    return slow ?? undefined;
  };
  return {
    drafts: [],
    source: {
      value: fast.value,
      locate: (path, at) => full()?.locate(path, at) ?? START,
      scalarText: (path) => full()?.scalarText(path),
    },
  };
};

/** The `yaml` library's reading: the value, every problem the text has, and where each path sits. */
const readWithYaml = (text: string, yamlText: string, options: SourceOptions): SourceResult => {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(yamlText, {
    lineCounter,
    prettyErrors: false,
    schema: 'core',
    resolveKnownTags: false,
    version: '1.2',
    uniqueKeys: false,
    merge: false,
    logLevel: 'silent',
    strict: true,
  });
  const at = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return p.line === 0 ? START : { line: p.line, column: p.col };
  };
  if (docs.length === 0) {
    return { drafts: [], source: { value: null, locate: () => START, scalarText: () => undefined } };
  }
  const doc = docs[0]!;
  const drafts: Draft[] = [];
  if (docs.length > 1) {
    drafts.push(
      error({
        code: 'yaml_syntax',
        path: [],
        position: at(docs[1]!.range[0]),
        message: `a mission file holds one YAML document, but this one has ${docs.length} (separated by \`---\`)`,
        hint: 'put each mission in its own file, or remove the extra `---` line',
      }),
    );
  }
  let fatal = docs.length > 1;
  for (const e of doc.errors) {
    const exhausted = e.code === 'RESOURCE_EXHAUSTION';
    fatal = true;
    drafts.push(
      error({
        code: exhausted ? 'too_deep' : 'yaml_syntax',
        path: [],
        position: at(e.pos[0]),
        message: exhausted
          ? 'the document nests too deeply to read'
          : `${options.format === 'json' ? 'JSON' : 'YAML'} syntax: ${e.message.split('\n')[0]}`,
        ...(syntaxHint(e.code, e.message) !== undefined ? { hint: syntaxHint(e.code, e.message)! } : {}),
      }),
    );
  }
  for (const w of doc.warnings) {
    // Unresolved tags are reported as forbidden_tag by the walk below.
    if (w.code === 'TAG_RESOLVE_FAILED') continue;
    drafts.push(
      warning({
        code: 'yaml_syntax',
        path: [],
        position: at(w.pos[0]),
        message: `YAML: ${w.message.split('\n')[0]}`,
      }),
    );
  }
  if (fatal) {
    if (options.format === 'yaml' && /^\s*[[{]/.test(text)) {
      const json = jsonError(text);
      if (json !== undefined)
        drafts.push({ ...json, severity: 'warning', message: `if this is meant as JSON: ${json.message}` });
    }
    return { drafts };
  }
  const nodeStart = (n: YamlNode | Pair | null | undefined): SourcePosition => {
    if (n === null || n === undefined) return START;
    if (isPair(n)) return nodeStart(n.key as YamlNode | null);
    const r = n.range;
    return r ? at(r[0]) : START;
  };
  const walked = walk(doc, options, nodeStart);
  drafts.push(...walked.drafts);
  if (!walked.complete) return { drafts };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: options.maxNodes });
    flattenStrings(value);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    drafts.push(
      error({
        code: /alias/i.test(message) ? 'alias_limit' : 'yaml_syntax',
        path: [],
        position: START,
        message: `the document could not be read: ${message}`,
      }),
    );
    return { drafts };
  }

  const keyIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, key: string): Pair | undefined => {
    let index = keyIndex.get(map);
    if (index === undefined) {
      index = new Map();
      for (const p of map.items) {
        const k = keyText(p.key);
        if (k !== undefined) index.set(k, p);
      }
      keyIndex.set(map, index);
    }
    return index.get(key);
  };
  const locate = (path: Path, where: 'key' | 'value'): SourcePosition => {
    let node = doc.contents as YamlNode | null;
    let best: SourcePosition = nodeStart(node);
    for (let i = 0; i < path.length; i++) {
      if (node !== null && isAlias(node)) node = walked.aliasTargets.get(node) ?? null;
      const segment = path[i]!;
      if (node !== null && isMap(node)) {
        const pair = pairOf(node as YAMLMap, String(segment));
        if (pair === undefined) return best;
        const keyAt = nodeStart(pair.key as YamlNode | null);
        if (i === path.length - 1 && where === 'key') return keyAt;
        const valueNode = pair.value as YamlNode | null;
        best = valueNode !== null && valueNode.range ? nodeStart(valueNode) : keyAt;
        node = valueNode;
      } else if (node !== null && isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as YamlNode | null | undefined;
        if (item === undefined || item === null) return best;
        best = nodeStart(item);
        node = item;
      } else {
        return best;
      }
    }
    return best;
  };
  const scalarText = (path: Path): string | undefined => {
    let node = doc.contents as YamlNode | null;
    for (const segment of path) {
      if (node !== null && isAlias(node)) node = walked.aliasTargets.get(node) ?? null;
      if (node !== null && isMap(node))
        node = (pairOf(node as YAMLMap, String(segment))?.value as YamlNode | null | undefined) ?? null;
      else if (node !== null && isSeq(node) && typeof segment === 'number')
        node = (node.items[segment] as YamlNode | null | undefined) ?? null;
      else return undefined;
    }
    return node !== null && isScalar(node) && node.range
      ? text.slice(node.range[0], node.range[1]).trim()
      : undefined;
  };
  return { drafts, source: { value, locate, scalarText } };
};
