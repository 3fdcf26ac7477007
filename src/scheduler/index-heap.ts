// The ready queue: step indices, smallest first, so a run starts steps in declaration order. A
// MinHeap of numbers would do, but it compares through the function it is given, and a mission's
// first run (before V8 optimises and inlines that call) makes ~25 such calls per step it takes from
// a queue of thousands: comparing the numbers here with `<` spares them.

/** A binary min-heap of step indices: O(log n) push and pop. */
export class IndexHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: number): void {
    const h = this.items;
    h.push(item);
    let c = h.length - 1;
    while (c > 0) {
      const p = (c - 1) >> 1;
      const parent = h[p]!;
      if (item >= parent) break;
      h[c] = parent;
      c = p;
    }
    h[c] = item;
  }

  /** Removes and returns the smallest index, or undefined when empty. */
  pop(): number | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    const n = h.length;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && h[r]! < h[l]! ? r : l;
      const child = h[m]!;
      if (child >= last) break;
      h[c] = child;
      c = m;
    }
    h[c] = last;
    return top;
  }

  /** Removes every index. */
  clear(): void {
    this.items.length = 0;
  }
}
