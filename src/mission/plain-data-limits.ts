// A mission handed over as data (decodeMission) skips the YAML reader and its limits, so the same
// limits are checked here: nesting depth (which also catches cyclic objects) and size, without
// recursion, before any codec walks the value.
import { error, type Draft } from './draft.js';
import { pathOfLink, type PathLink } from './path.js';

/** The first limit `value` breaks, as a draft: nesting deeper than `maxDepth` (or a cycle), or more than `maxNodes` values. */
export const checkPlainDataLimits = (
  value: unknown,
  maxDepth: number,
  maxNodes: number,
): Draft | undefined => {
  const stack: Array<{ readonly v: unknown; readonly at: PathLink | undefined }> = [
    { v: value, at: undefined },
  ];
  let nodes = 0;
  while (stack.length > 0) {
    const { v, at } = stack.pop()!;
    if (++nodes > maxNodes) {
      return error({
        code: 'too_large',
        path: pathOfLink(at),
        message: `the mission holds more than ${maxNodes} values`,
        hint: 'split the mission; an object shared by several places counts once per place',
      });
    }
    if (typeof v !== 'object' || v === null) continue;
    const depth = at?.depth ?? 0;
    if (depth >= maxDepth) {
      return error({
        code: 'too_deep',
        path: pathOfLink(at),
        message: `the mission nests more than ${maxDepth} levels deep (or an object contains itself)`,
        hint: 'a mission is plain, tree-shaped data: flatten this value, and let no object contain itself',
      });
    }
    if (Array.isArray(v))
      v.forEach((x, i) => stack.push({ v: x, at: { parent: at, segment: i, depth: depth + 1 } }));
    else
      for (const [k, x] of Object.entries(v))
        stack.push({ v: x, at: { parent: at, segment: k, depth: depth + 1 } });
  }
  return undefined;
};
