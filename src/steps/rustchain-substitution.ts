// RustChain's `{name}` substitution: each `{name}` whose name is a known variable is replaced by its
// value, in one pass — a value is never re-expanded, and braces that name no variable (JSON, code)
// are left exactly as written.

const placeholder = /\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

/** Replaces `{name}` with `variables[name]` where that variable exists. */
export const substituteRustChainVariables = (
  text: string,
  variables: Readonly<Record<string, string>>,
): string =>
  text.replace(placeholder, (whole, name: string) =>
    Object.hasOwn(variables, name) ? (variables[name] ?? whole) : whole,
  );
