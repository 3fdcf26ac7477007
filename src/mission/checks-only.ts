// Codecs that only check and never convert: built from io-ts's type, partial, intersection, union,
// array, record, keyof, literal and brand, with no hand-written `new t.Type` that changes a value.
// For such a codec a value its `is` accepts decodes to itself, so the parser asks `is` first: a full
// decode builds a context for every declared key, present or not, and is run only to word problems.
// A step type's own codec is never marked here unless it is one of the built-ins: a host's codec
// may convert.
import type * as t from 'io-ts';

const marked = new WeakSet<t.Any>();

/** Marks `codec` as one that only checks (see above); returns it. */
export const checksOnly = <C extends t.Any>(codec: C): C => {
  marked.add(codec);
  return codec;
};

/** Whether `codec` was marked with `checksOnly`. */
export const isChecksOnly = (codec: t.Any): boolean => marked.has(codec);
