// A plain (unquoted) scalar read the way the `yaml` library's YAML 1.2 core schema reads it: the
// same tests, in the same order, with the same conversions. The fast reader uses it so a value
// read with js-yaml is exactly the value the `yaml` library would give: `on`, `yes`, `017`,
// `2001-12-14` and `1_000` stay strings; `0o17` is 15, `0x1F` is 31, `.inf` is Infinity.

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

// First characters that can start anything but a string: every other plain scalar is a string
// without running a single test, which is most of a mission.
const MAY_RESOLVE = new Set([...'~nNtTfF0123456789+-.']);

/** The value of a plain scalar whose text (folded, as YAML reads it) is `source`. */
export const resolvePlainScalar = (source: string): string | number | boolean | null => {
  if (source === '') return null;
  if (!MAY_RESOLVE.has(source.charAt(0))) return source;
  if (NULL.test(source)) return null;
  if (BOOL.test(source)) return source[0] === 't' || source[0] === 'T';
  if (INT_OCT.test(source)) return parseInt(source.substring(2), 8);
  if (INT.test(source)) return parseInt(source, 10);
  if (INT_HEX.test(source)) return parseInt(source.substring(2), 16);
  if (FLOAT_NAN.test(source))
    return source.slice(-3).toLowerCase() === 'nan' ? NaN : source[0] === '-' ? -Infinity : Infinity;
  if (FLOAT_EXP.test(source) || FLOAT.test(source)) return parseFloat(source);
  return source;
};

/** A map key as a property name, as the `yaml` library writes it into a plain object (null is ''). */
export const keyName = (key: string | number | boolean | null): string => (key === null ? '' : String(key));
