// The ready queue hands out step indices smallest first, whatever order they were queued in: a run
// starts its ready steps in declaration order.
import fc from 'fast-check';
import { IndexHeap } from '../../src/scheduler/index-heap.js';

describe('IndexHeap', () => {
  it('pops what was pushed in ascending order, interleaved pushes and pops included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat({ max: 1000 }), fc.constant(-1)), { maxLength: 400 }), (ops) => {
        const heap = new IndexHeap();
        const model: number[] = [];
        for (const op of ops) {
          if (op === -1) {
            model.sort((a, b) => a - b);
            expect(heap.pop()).toBe(model.shift());
          } else {
            heap.push(op);
            model.push(op);
          }
          expect(heap.size).toBe(model.length);
        }
        model.sort((a, b) => a - b);
        const rest: number[] = [];
        for (let i = heap.pop(); i !== undefined; i = heap.pop()) rest.push(i);
        expect(rest).toEqual(model);
      }),
    );
  });

  it('keeps the order when ascending runs and smaller indices are queued together', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 50 }), fc.nat({ max: 20 }), fc.boolean()), { maxLength: 60 }),
        (chunks) => {
          // Each chunk queues an ascending run from its start, then maybe takes one index out.
          const heap = new IndexHeap();
          const model: number[] = [];
          for (const [start, length, take] of chunks) {
            for (let i = start; i < start + length; i++) {
              heap.push(i);
              model.push(i);
            }
            if (take) {
              model.sort((a, b) => a - b);
              expect(heap.pop()).toBe(model.shift());
            }
            expect(heap.size).toBe(model.length);
          }
          model.sort((a, b) => a - b);
          const rest: number[] = [];
          for (let i = heap.pop(); i !== undefined; i = heap.pop()) rest.push(i);
          expect(rest).toEqual(model);
        },
      ),
    );
  });

  it('is empty after clear', () => {
    const heap = new IndexHeap();
    for (const i of [5, 3, 9]) heap.push(i);
    heap.clear();
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
  });
});
