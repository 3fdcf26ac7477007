// Paths into a mission document (`steps[3].depends_on[0]`): kept as segments while the parser
// works, so they can be located in the YAML tree, and rendered once for people.

/** One step down into a document: a map key or a list index. */
export type PathSegment = string | number;

/** A path as segments; the empty path is the document itself. */
export type Path = ReadonlyArray<PathSegment>;

const identifier = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Renders segments the way error messages show them: `steps[3].parameters.args[0]`. */
export const formatPath = (path: Path): string => {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (identifier.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
};

/** A path being walked without recursion: each step down links to its parent, so no array is copied per level. */
export interface PathLink {
  readonly parent: PathLink | undefined;
  readonly segment: PathSegment;
  readonly depth: number;
}

/** The path a link stands for, from the document down. */
export const pathOfLink = (link: PathLink | undefined): Path => {
  const out: PathSegment[] = [];
  for (let l = link; l !== undefined; l = l.parent) out.push(l.segment);
  return out.reverse();
};
