// The ready queue: step indices, smallest first, so a run starts steps in declaration order. A
// MinHeap of numbers would do, but it compares through the function it is given, and a mission's
// first run (before V8 optimises and inlines that call) makes ~25 such calls per step it takes from
// a queue of thousands: comparing the numbers here with `<` spares them.
//
// Indices queued in ascending order (a mission's first steps, queued at its start: a third of a
// generated mission) go to a sorted run instead, taken from its front in O(1); the heap holds the
// rest, and each pop takes the smaller of the two fronts.

/** A binary min-heap of step indices, beside a sorted run: O(log n) push and pop, O(1) for ascending pushes. */
export class IndexHeap {
  private readonly items: number[] = [];
  /** Indices pushed in ascending order, from `head` on. */
  private readonly run: number[] = [];
  private head = 0;

  get size(): number {
    return this.items.length + this.run.length - this.head;
  }

  push(item: number): void {
    const run = this.run;
    if (run.length === this.head || item >= run[run.length - 1]!) {
      run.push(item);
      return;
    }
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
    const run = this.run;
    if (this.head < run.length) {
      const first = run[this.head]!;
      const top = this.items[0];
      if (top === undefined || first <= top) {
        this.head += 1;
        if (this.head === run.length) run.length = this.head = 0;
        return first;
      }
    }
    return this.popHeap();
  }

  private popHeap(): number | undefined {
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
    this.run.length = this.head = 0;
  }
}
