import fc from 'fast-check';
import { iso } from '../../src/scheduler/iso-time.js';

describe('iso', () => {
  it('formats exactly as Date#toISOString for any instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (ms) => {
        expect(iso(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5000, seed: 7 },
    );
    expect(iso(Date.UTC(2025, 0, 1, 23, 59, 59, 999) + 0.7)).toBe('2025-01-01T23:59:59.999Z');
  });
});
