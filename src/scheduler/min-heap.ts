// A binary min-heap: O(log n) push and pop. Used for ready steps (by declaration index) and for
// the runtime's timers (by due time), so neither ever scans every step.

/** A min-heap ordered by `before`. */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  /** The smallest item, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const h = this.items;
    h.push(item);
    let c = h.length - 1;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!this.before(item, h[p] as T)) break;
      h[c] = h[p] as T;
      c = p;
    }
    h[c] = item;
  }

  /** Removes and returns the smallest item, or undefined when empty. */
  pop(): T | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const m = r < h.length && this.before(h[r] as T, h[l] as T) ? r : l;
      if (!this.before(h[m] as T, last)) break;
      h[c] = h[m] as T;
      c = m;
    }
    h[c] = last;
    return top;
  }

  /** Every item, in no particular order (a copy). */
  values(): T[] {
    return [...this.items];
  }

  /** Removes and returns every item, in no particular order. */
  drain(): T[] {
    return this.items.splice(0, this.items.length);
  }
}
