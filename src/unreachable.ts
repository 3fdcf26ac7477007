// Ends an exhaustive switch over a closed union (DESIGN.md rule 5): a new variant is a compile error.

/** Marks a branch the type checker proves impossible. */
export const unreachable = (x: never): never => {
  throw new TypeError(`unreachable: ${JSON.stringify(x)}`);
};
