// The `create_file` step's parameters, as RustChain defines them.
import * as t from 'io-ts';

export const createFileParameters = t.intersection([
  t.type({
    /** Relative to the mission's working directory; may not leave it (see `allowed_paths`). `{name}` substitution. */
    path: t.string,
  }),
  t.partial({
    /** The file's text; `{name}` is replaced by the variable `name`, as in RustChain. @default '' */
    content: t.string,
  }),
]);
export type CreateFileParameters = t.TypeOf<typeof createFileParameters>;
