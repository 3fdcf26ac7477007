// Merging the captured output of many runs (repetitions, chunks) within one capture limit.
import { mergeCaptured } from '../../src/steps/command-output.js';

const part = (text: string, dropped = 0) => ({
  text,
  total_bytes: new TextEncoder().encode(text).length + dropped,
  dropped_bytes: dropped,
});

describe('mergeCaptured', () => {
  test('concatenates in order and adds up the counts', () => {
    expect(mergeCaptured([part('a\n'), part('b\n', 10), part('')], 100)).toEqual({
      text: 'a\nb\n',
      total_bytes: 14,
      dropped_bytes: 10,
    });
  });

  test('keeps the head and tail halves of the limit, saying how much it dropped', () => {
    const parts = Array.from({ length: 100 }, (_, i) => part(`line ${String(i).padStart(3, '0')}\n`));
    const merged = mergeCaptured(parts, 40);
    // 100 lines of 9 bytes: the first 20 and the last 20 are kept.
    expect(merged.text).toBe('line 000\nline 001\nli\n[… 860 bytes dropped …]\n7\nline 098\nline 099\n');
    expect(merged).toMatchObject({ total_bytes: 900, dropped_bytes: 860 });
  });

  test('never cuts a character in two', () => {
    const merged = mergeCaptured([part('ééééé'), part('ééééé')], 9);
    expect(merged.text).not.toContain('\uFFFD');
    expect(merged.text.startsWith('éé\n[…')).toBe(true);
    expect(merged.total_bytes).toBe(20);
  });
});
