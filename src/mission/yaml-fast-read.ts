// The fast way through a mission's text: js-yaml's event parser (about fifteen times quicker than
// the `yaml` library's document model on a big mission) and a small builder that reads scalars
// exactly as the `yaml` library's YAML 1.2 core schema does. It only answers for plain, clean
// documents: at the first sign of anything where the two readers could differ, or of anything
// the `yaml` reading would report (an anchor, an alias, a tag, a directive, a second document, a
// duplicate or collection key, a long or multi-line key, a multi-line flow collection under a
// block one, too deep, too many values, or any syntax js-yaml refuses), it answers `undefined`
// and the `yaml` library reads the text, as it always has. A differential fuzz test holds the
// two readings equal.
import { getScalarValue, parseEvents, type Event } from 'js-yaml';
import { keyName, resolvePlainScalar } from './core-schema-scalar.js';

const DOCUMENT = 1;
const SEQUENCE = 2;
const MAPPING = 3;
const SCALAR = 4;
const POP = 6;
const PLAIN = 1;
const SINGLE_QUOTED = 2;
const DOUBLE_QUOTED = 3;
const FLOW = 2;

/** The `yaml` library refuses an implicit key whose `:` is more than 1024 characters after its start; stay well inside. */
const LONGEST_KEY = 1000;

interface Frame {
  readonly flow: boolean;
  /** Offset of the opening bracket (flow collections). */
  readonly start: number;
  /** The parent is a block collection (or a key of one): a multi-line flow collection here may draw a warning. */
  readonly underBlock: boolean;
  readonly seq: unknown[] | undefined;
  readonly map: Record<string, unknown> | undefined;
  /** In a map: the name of the key whose value comes next, or undefined when a key comes next. */
  key: string | undefined;
}

/** Limits the fast reading keeps to; beyond them the `yaml` reading reports the problem. */
export interface FastReadLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
}

/**
 * `---` or `...` after spaces at the start of a line (js-yaml takes it for a document marker, the
 * `yaml` library for text), or a document end `...` (after which the two count documents differently).
 */
const DOCUMENT_MARKER = /^ +---|^ *\.\.\./m;

const isSpace = (c: number): boolean => c === 32 || c === 9;

/** Offset just past the closing quote or the last character of a scalar. */
const scalarEnd = (e: { readonly style: number; readonly valueEnd: number }): number =>
  e.style === SINGLE_QUOTED || e.style === DOUBLE_QUOTED ? e.valueEnd + 1 : e.valueEnd;

/** Whether a key scalar is one the `yaml` library reads without a word: quoted or plain, one line, short, `:` right after. */
const plainKeyShape = (
  text: string,
  e: { readonly style: number; readonly valueStart: number; readonly valueEnd: number },
): boolean => {
  if (e.style !== PLAIN && e.style !== SINGLE_QUOTED && e.style !== DOUBLE_QUOTED) return false;
  const start = e.style === PLAIN ? e.valueStart : e.valueStart - 1;
  const end = scalarEnd(e);
  if (end - start > LONGEST_KEY || start < 0) return false;
  const newline = text.indexOf('\n', start);
  if (newline !== -1 && newline < end) return false;
  let i = end;
  while (i < text.length && i - end < 16 && isSpace(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === 58; // ':'
};

/**
 * The closing bracket of a flow collection: after its last content (`from`), only spaces and
 * commas may come before it. Returns the offset just past it, or -1 when something else comes
 * first (a line break, a comment), which the caller takes as "spans lines".
 */
const flowEnd = (text: string, from: number): number => {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 93 || c === 125) return i + 1; // ']' '}'
    if (!isSpace(c) && c !== 44) return -1; // ','
  }
  return -1;
};

/**
 * The document's value when js-yaml and the `yaml` library are sure to read it alike and the
 * `yaml` reading would report nothing; `undefined` otherwise (never throws).
 */
export const fastRead = (text: string, limits: FastReadLimits): { readonly value: unknown } | undefined => {
  // A directive line, known or not (js-yaml drops unknown ones without a word; the `yaml` library
  // warns), a byte order mark (the `yaml` library reads `\ufeff- x` as a syntax error) or a tab
  // (the two disagree on where tabs may stand): the `yaml` library reads these texts.
  if (
    text.charCodeAt(0) === 37 ||
    text.includes('\n%') ||
    text.includes('\ufeff') ||
    text.includes('\t') ||
    ((text.includes('...') || text.includes(' ---')) && DOCUMENT_MARKER.test(text))
  )
    return undefined;
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: limits.maxDepth + 1 });
  } catch {
    return undefined;
  }
  const stack: Frame[] = [];
  let documents = 0;
  let nodes = 0;
  let root: unknown;
  let hasRoot = false;
  // Offset just past the last thing read, to find where flow collections end; -1 when unknown.
  let lastEnd = 0;

  const add = (value: unknown): boolean => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      root = value;
      hasRoot = true;
      return true;
    }
    if (top.seq !== undefined) {
      top.seq.push(value);
      return true;
    }
    const map = top.map!;
    const name = top.key!;
    // As the `yaml` library writes a pair: an inherited name (`__proto__`, `toString`) becomes an own property.
    if (name in map)
      Object.defineProperty(map, name, { value, writable: true, enumerable: true, configurable: true });
    else map[name] = value;
    top.key = undefined;
    return true;
  };

  for (const e of events) {
    switch (e.type) {
      case DOCUMENT:
        documents += 1;
        if (documents > 1 || e.directives.length > 0) return undefined;
        break;
      case SEQUENCE:
      case MAPPING: {
        if (e.anchorStart !== -1 || e.tagStart !== -1) return undefined;
        const parent = stack[stack.length - 1];
        // A collection used as a key: the `yaml` reading refuses it.
        if (parent?.map !== undefined && parent.key === undefined) return undefined;
        if (stack.length + 1 > limits.maxDepth || ++nodes > limits.maxNodes) return undefined;
        const flow = e.style === FLOW;
        stack.push({
          flow,
          start: e.start,
          underBlock: parent !== undefined && !parent.flow,
          seq: e.type === SEQUENCE ? [] : undefined,
          map: e.type === MAPPING ? {} : undefined,
          key: undefined,
        });
        if (flow) lastEnd = e.start + 1;
        break;
      }
      case SCALAR: {
        if (e.anchorStart !== -1 || e.tagStart !== -1) return undefined;
        if (++nodes > limits.maxNodes) return undefined;
        const source = getScalarValue(text, e);
        if (e.style === PLAIN || e.style === SINGLE_QUOTED || e.style === DOUBLE_QUOTED) {
          // A plain or quoted scalar over several lines: the two readers fold such text differently at the edges.
          const newline = text.indexOf('\n', e.valueStart);
          if (newline !== -1 && newline < e.valueEnd) return undefined;
        }
        const value = e.style === PLAIN ? resolvePlainScalar(source) : source;
        lastEnd = scalarEnd(e);
        const top = stack[stack.length - 1];
        if (top?.map !== undefined && top.key === undefined) {
          if (!plainKeyShape(text, e)) return undefined;
          const name = keyName(value);
          // A duplicate key: the `yaml` reading reports it.
          if (Object.prototype.hasOwnProperty.call(top.map, name)) return undefined;
          top.key = name;
        } else add(value);
        break;
      }
      case POP: {
        const frame = stack.pop();
        if (frame === undefined) break; // the end of the document
        if (frame.key !== undefined) return undefined; // cannot happen: a key without its value
        if (frame.flow) {
          const end = lastEnd === -1 ? -1 : flowEnd(text, Math.max(lastEnd, frame.start + 1));
          const newline = end === -1 ? frame.start : text.indexOf('\n', frame.start);
          const spansLines = end === -1 || (newline !== -1 && newline < end);
          // The `yaml` library may warn about the indentation of a multi-line flow collection in a block one.
          if (spansLines && frame.underBlock) return undefined;
          lastEnd = end;
        }
        add(frame.seq ?? frame.map);
        break;
      }
      default:
        // An alias (or an event this reader does not know): the `yaml` reading handles it.
        return undefined;
    }
  }
  if (documents !== 1 || !hasRoot || stack.length > 0) return undefined;
  return { value: root };
};
