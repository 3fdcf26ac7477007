// The templates an instance of a fanned-out step reads: `{{ matrix.<axis> }}` in a matrix
// instance, `{{ item }}` (or `{{ item.<field> }}`) and `{{ item_index }}` in a `for_each` instance.

/** A reference to an instance's own values. */
export type FanOutRef =
  | { readonly _tag: 'matrix'; readonly name: string; readonly text: string }
  | { readonly _tag: 'item'; readonly path: ReadonlyArray<string>; readonly text: string }
  | { readonly _tag: 'item_index'; readonly text: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Reads `matrix.*`, `item`, `item.*` and `item_index`; a problem for a malformed one. */
export const parseFanOutRef = (
  ns: 'matrix' | 'item' | 'item_index',
  rest: ReadonlyArray<string>,
  text: string,
): FanOutRef | { readonly text: string; readonly message: string; readonly hint: string } => {
  switch (ns) {
    case 'matrix': {
      const name = rest.join('.');
      return NAME.test(name)
        ? { _tag: 'matrix', name, text }
        : { text, message: `template ${text} names no matrix axis`, hint: 'write {{ matrix.<axis> }}' };
    }
    case 'item':
      return rest.some((p) => p === '')
        ? {
            text,
            message: `template ${text} has an empty field name`,
            hint: 'write {{ item }} or {{ item.<field> }}',
          }
        : { _tag: 'item', path: rest, text };
    case 'item_index':
      return rest.length === 0
        ? { _tag: 'item_index', text }
        : { text, message: `template ${text}: item_index has no fields`, hint: 'write {{ item_index }}' };
  }
};
