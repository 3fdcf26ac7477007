import { OutputCapture } from '../../src/runtime/output-capture.js';
import { LineSplitter } from '../../src/runtime/line-splitter.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('OutputCapture', () => {
  it('keeps everything under the limit, byte for byte', () => {
    const c = new OutputCapture(100);
    c.push(bytes('hello '));
    c.push(bytes('world\n'));
    expect(c.result()).toEqual({ text: 'hello world\n', total_bytes: 12, dropped_bytes: 0 });
  });

  it('keeps the first and last halves of a long stream and counts what it dropped', () => {
    const c = new OutputCapture(20);
    for (let i = 0; i < 100; i++) c.push(bytes(`line ${String(i).padStart(3, '0')}\n`));
    const r = c.result();
    expect(r.total_bytes).toBe(900);
    expect(r.dropped_bytes).toBe(880);
    expect(r.text.startsWith('line 000\n')).toBe(true);
    expect(r.text.endsWith('\nline 099\n')).toBe(true);
    expect(r.text).toContain('[… 880 bytes dropped …]');
  });

  it('holds a gigabyte-scale stream in bounded memory', () => {
    const c = new OutputCapture(1024);
    const chunk = new Uint8Array(64 * 1024).fill(121);
    for (let i = 0; i < 2000; i++) c.push(chunk);
    const r = c.result();
    expect(r.total_bytes).toBe(2000 * 64 * 1024);
    expect(r.text.length).toBeLessThan(1100);
  });

  it('never splits a multi-byte character at the cut', () => {
    const c = new OutputCapture(9);
    c.push(bytes('ééééééééééééé'));
    const r = c.result();
    expect(r.text).not.toContain('\uFFFD');
    expect(r.total_bytes).toBe(26);
    expect(
      r.dropped_bytes + new TextEncoder().encode(r.text.replace(/\n\[… \d+ bytes dropped …\]\n/, '')).length,
    ).toBe(26);
  });

  it('decodes invalid UTF-8 without throwing', () => {
    const c = new OutputCapture(100);
    c.push(new Uint8Array([0x66, 0xff, 0xfe, 0x6f]));
    expect(c.result().text).toBe('f\uFFFD\uFFFDo');
  });
});

describe('LineSplitter', () => {
  it('splits on newlines across chunks, drops CR, and delivers a last line without a newline', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    expect(s.push(bytes('one\r\ntw'))).toBe('one');
    expect(s.push(bytes('o\nthr'))).toBe('two');
    expect(s.end()).toBe('three'.slice(0, 3));
    expect(lines).toEqual(['one', 'two', 'thr']);
  });

  it('decodes a character split across two chunks', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const euro = bytes('€\n');
    s.push(euro.subarray(0, 1));
    s.push(euro.subarray(1));
    expect(lines).toEqual(['€']);
  });

  it('cuts a line that never ends so memory stays bounded', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 10);
    s.push(bytes('x'.repeat(35)));
    expect(lines).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(10)]);
    s.end();
    expect(lines[3]).toBe('xxxxx');
  });
});
