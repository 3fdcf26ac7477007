// Step ids to declaration indices, in a few flat arrays. A `Map` keyed by strings compares a found
// key with the one looked up by reading the key's string, wherever in the mission it lies: in a
// mission of 100,000 steps that is a trip to main memory for every dependency. Here the ids are
// copied into one string and hashed into an open-addressing table of integers, so a lookup reads
// only these arrays, which stay small enough for the CPU's caches.
//
// Below MAP_BELOW ids a `Map` is used after all: there the ids fit the caches anyway (a lookup costs
// the same either way once V8 has optimised this code), and a mission's first run in a process
// hashes and probes in this file's JavaScript before V8 has compiled it, ~4× the time of the Map's
// native hashing (~7 of a 10,000-step first run's ~90 ms).

/** FNV-1a over the UTF-16 code units of `text`. */
const hashOf = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
};

/** Looks up step indices by id. Built once per plan; read-only afterwards. */
export interface IdTable {
  /** The index of the step with this id, or undefined. */
  indexOf(id: string): number | undefined;
}

/** Ids longer than this in all are compared where they are (a string has a maximum length). */
const MAX_JOINED = 2 ** 28;

/** Fewer ids than this are looked up in a `Map` (see above). */
const MAP_BELOW = 2 ** 15;

/**
 * Builds the table of `ids` (index i holds `ids[i]`). With duplicate ids, the last one wins, as it
 * would in a `Map` built in order. `maxJoined` and `mapBelow` are for tests.
 */
export const idTable = (
  ids: ReadonlyArray<string>,
  maxJoined = MAX_JOINED,
  mapBelow = MAP_BELOW,
): IdTable => {
  const n = ids.length;
  if (n < mapBelow) {
    const map = new Map<string, number>();
    for (let i = 0; i < n; i++) map.set(ids[i]!, i);
    return { indexOf: (id) => map.get(id) };
  }
  let size = 16;
  while (size < n * 2) size *= 2;
  const mask = size - 1;
  /**
   * Two integers per slot, side by side so a probe reads one cache line: step index + 1 (0: empty),
   * and the id's hash, which spares most comparisons with the text.
   */
  const slots = new Int32Array(size * 2);
  const start = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + ids[i]!.length;
  const text = start[n]! <= maxJoined ? ids.join('') : undefined;
  /** Whether step i's id is `id`, read from the joined text. */
  const holds =
    text === undefined
      ? (i: number, id: string): boolean => ids[i] === id
      : (i: number, id: string): boolean =>
          start[i + 1]! - start[i]! === id.length && text.startsWith(id, start[i]!);
  /** Where the slot that holds `id` is in `slots`, or the empty one where it belongs. */
  const slotOf = (id: string, h: number): number => {
    let k = (h & mask) * 2;
    for (;;) {
      const at = slots[k]!;
      if (at === 0 || (slots[k + 1] === h && holds(at - 1, id))) return k;
      k = (k + 2) & (mask * 2 + 1);
    }
  };
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    const h = hashOf(id);
    const k = slotOf(id, h);
    slots[k] = i + 1;
    slots[k + 1] = h;
  }
  return {
    indexOf: (id) => {
      const at = slots[slotOf(id, hashOf(id))]!;
      return at === 0 ? undefined : at - 1;
    },
  };
};
