// The run's mission hash is SHA-256 computed in the core (no node:crypto there): it must be the
// real one, so a hash recorded by one host is checked by any other.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha256Hex } from '../../src/runtime/sha256.js';
import { nodeHost } from '../../src/node/node-host.js';

it('equals node:crypto on any text, padding boundaries and non-ASCII included', () => {
  for (const text of ['', 'abc', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'é€😀'.repeat(40)])
    expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }),
  );
});

it("the Node host's native digest, which a journaled run records, is the same hash", () => {
  const native = nodeHost().sha256!;
  for (const text of ['', 'abc', 'é€😀'.repeat(40), 'steps:\n'.repeat(20_000)])
    expect(native(text)).toBe(sha256Hex(text));
});
