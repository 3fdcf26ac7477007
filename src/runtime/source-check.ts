// A mission source of the wrong shape is a programmer error: a TypeError that names every form a
// source may take, what it got, and — for the mistakes people make — what to pass instead.

const FORMS =
  'a path (a one-line string ending in .yaml, .yml or .json, or { path }), mission text ' +
  '(a YAML or JSON string, or { text, file? }), plain mission data ({ mission }), or a Mission ' +
  'from loadMission or parseMission';

const describe = (v: unknown): string =>
  v === null || v === undefined
    ? String(v)
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'object'
        ? `an object with keys ${Object.keys(v).join(', ') || '(none)'}`
        : typeof v === 'string'
          ? 'a string'
          : `${typeof v} ${String(v)}`;

/** What to pass instead, for the wrong sources that are easy to mistake for right ones. */
const hintFor = (v: unknown): string => {
  if (v instanceof URL) return ' (for a file: URL, pass fileURLToPath(url) from node:url)';
  if (typeof v !== 'object' || v === null) return '';
  const o = v as Record<string, unknown>;
  if (o._tag === 'Left')
    return ' (this is the failed result of parseMission: report its left errors, or call loadMission to get a MissionValidationError)';
  if (o._tag === 'Right') return ' (this is the result of parseMission: pass its right, the Mission)';
  if ('steps' in o || 'version' in o) return ' (this looks like mission data: pass { mission: it })';
  return '';
};

const fail = (v: unknown): never => {
  throw new TypeError(`the mission source must be ${FORMS}; got ${describe(v)}${hintFor(v)}`);
};

const failField = (form: string, field: string, v: unknown): never => {
  throw new TypeError(`the mission source ${form}: ${field} must be a string, got ${describe(v)}`);
};

/** Throws a TypeError when `source` is none of the forms a MissionSource takes. */
export const checkSource = (source: unknown): void => {
  if (typeof source === 'string') return;
  if (typeof source !== 'object' || source === null || Array.isArray(source) || source instanceof URL)
    return fail(source);
  const o = source as Record<string, unknown>;
  if ('mission' in o) return;
  if ('text' in o) {
    if (typeof o.text !== 'string') failField('{ text }', 'text', o.text);
    if (o.file !== undefined && typeof o.file !== 'string') failField('{ text, file }', 'file', o.file);
    return;
  }
  if ('path' in o) {
    if (typeof o.path !== 'string') failField('{ path }', 'path', o.path);
    return;
  }
  if ('steps' in o && 'config' in o && Array.isArray(o.warnings)) return;
  fail(source);
};
