// A host can load missionkit twice in one process — the CommonJS build through `require` and the
// ES module build through `import` — and then each build has its own error classes. A plain
// `instanceof` would say an error from one copy is not an error of the other. Each exported error
// class therefore marks its prototype with a `Symbol.for` key, the same key in every copy, and
// recognises instances by that mark.

/** Whether `value` carries `brand` (on itself or its prototype chain). */
export const hasBrand = (value: unknown, brand: symbol): boolean =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  (value as { readonly [key: symbol]: unknown })[brand] === true;

/**
 * The `instanceof` answer for `cls`: the brand for the branded class itself; the ordinary
 * prototype check for a subclass a host defines (which carries no brand of its own).
 */
export const brandedInstanceOf = (
  cls: abstract new (...args: never[]) => unknown,
  branded: abstract new (...args: never[]) => unknown,
  brand: symbol,
  value: unknown,
): boolean =>
  cls === branded ? hasBrand(value, brand) : Function.prototype[Symbol.hasInstance].call(cls, value);

/** Marks every instance of `cls` (through its prototype) with `brand`, unenumerable; called in a static block. */
export const markPrototype = (cls: { readonly prototype: object }, brand: symbol): void => {
  Object.defineProperty(cls.prototype, brand, { value: true });
};
