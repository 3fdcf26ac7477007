// Values as error messages show them: short, typed, never the whole of a huge value.

const MAX = 60;

/** Renders a found value in a few characters: `"grep -r"`, `42`, `a list (3 items)`, `a map (id, name, …)`. */
export const renderValue = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') {
    const s = JSON.stringify(v.length > MAX ? `${v.slice(0, MAX)}…` : v);
    return s;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `a list (${v.length} item${v.length === 1 ? '' : 's'})`;
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    const shown = keys.slice(0, 3).join(', ') + (keys.length > 3 ? ', …' : '');
    return keys.length === 0 ? 'an empty map' : `a map (${shown})`;
  }
  return typeof v;
};

/** What kind of value this is, for "wrong type" messages. */
export const kindOf = (
  v: unknown,
): 'nothing' | 'null' | 'string' | 'number' | 'boolean' | 'list' | 'map' | 'other' => {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return 'other';
};
