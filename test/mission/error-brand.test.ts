// A host that loads missionkit twice (the CommonJS build by `require`, the ES module build by
// `import`) still recognises each copy's errors: the error classes answer `instanceof` by a
// `Symbol.for` brand that every copy shares. A second copy is stood in for here by classes marked
// with the same keys; test/packaging/pack.test.ts loads the two real builds in one process.
import { isMissionValidationError, MissionValidationError, NonRetryableError, StepError } from 'missionkit';

/** An error class as another copy of missionkit defines it: a different class with the same brand. */
const foreign = (key: string): new (message: string) => Error => {
  class Copy extends Error {}
  Object.defineProperty(Copy.prototype, Symbol.for(key), { value: true });
  return Copy;
};

describe('error classes across copies of missionkit', () => {
  it('recognises a MissionValidationError from another copy, by instanceof and by isMissionValidationError', () => {
    const other = new (foreign('missionkit.MissionValidationError'))('invalid mission');
    expect(other instanceof MissionValidationError).toBe(true);
    expect(isMissionValidationError(other)).toBe(true);
    const own = new MissionValidationError([]);
    expect(own instanceof MissionValidationError).toBe(true);
    expect(isMissionValidationError(own)).toBe(true);
  });

  it('answers no for other errors and non-errors', () => {
    for (const value of [
      new Error('x'),
      new TypeError('x'),
      new StepError('x'),
      null,
      undefined,
      42,
      'e',
      {},
    ]) {
      expect(value instanceof MissionValidationError).toBe(false);
      expect(isMissionValidationError(value)).toBe(false);
    }
    // A look-alike without the brand is not one: the name alone proves nothing.
    expect({ name: 'MissionValidationError', errors: [] } instanceof MissionValidationError).toBe(false);
  });

  it('recognises StepError and NonRetryableError from another copy, keeping their hierarchy', () => {
    const step = new (foreign('missionkit.StepError'))('x');
    expect(step instanceof StepError).toBe(true);
    expect(step instanceof NonRetryableError).toBe(false);
    const own = new NonRetryableError('x');
    expect(own instanceof StepError).toBe(true);
    expect(own instanceof NonRetryableError).toBe(true);
    expect(new StepError('x') instanceof NonRetryableError).toBe(false);
  });

  it("keeps the ordinary instanceof for a host's own subclass", () => {
    class QuotaError extends StepError {}
    expect(new QuotaError('x') instanceof QuotaError).toBe(true);
    expect(new QuotaError('x') instanceof StepError).toBe(true);
    expect(new StepError('x') instanceof QuotaError).toBe(false);
  });
});
