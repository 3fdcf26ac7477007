// The CLI's view of its standard streams: whether a person is watching (a TTY), how wide and tall
// the terminal is right now, and how to write. Kept here so src/cli/ never touches Node's streams
// directly and its renderers can be driven by a fake terminal in tests.
import { fstatSync, writeSync } from 'node:fs';

/** An output stream as the CLI sees it. */
export interface Terminal {
  /** Whether the stream is a terminal a person reads (live view, colour) rather than a pipe or file. */
  readonly isTTY: boolean;
  /** The terminal's width in columns now (it can be resized during a run); 80 when unknown. */
  columns(): number;
  /** The terminal's height in rows now; 24 when unknown. */
  rows(): number;
  /** Writes text as it is (no newline added). */
  write(text: string): void;
}

/** A Node write stream with the TTY fields it may have. */
export interface NodeStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
  write(chunk: string | Uint8Array): boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

// A pseudo-terminal created without a size reports 0 columns; treat that as unknown.
const positive = (n: number | undefined, fallback: number): number =>
  n !== undefined && Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;

/**
 * Writes to a Node stream until it fails. A reader that went away (`missionkit run … | head`, a
 * closed terminal window) makes writes fail with EPIPE or EIO. That must not crash the run halfway
 * and orphan its process trees: later output is dropped, and the run still ends, stops its steps
 * and writes its reports.
 */
const writerOf = (stream: NodeStream): ((chunk: string | Uint8Array) => void) => {
  let broken = false;
  stream.on('error', () => {
    broken = true;
  });
  return (chunk) => {
    if (!broken) stream.write(chunk);
  };
};

const terminalOf = (stream: NodeStream): Terminal => ({
  isTTY: stream.isTTY === true,
  columns: () => positive(stream.columns, 80),
  rows: () => positive(stream.rows, 24),
  write: writerOf(stream),
});

/** Writes bytes to a file descriptor, as `fs.writeSync`: the count written, or a throw with the errno's `code`. */
export type WriteBytes = (fd: number, bytes: Uint8Array, offset: number, length: number) => number;

/**
 * Standard output or error that is a pipe, a file or a socket: nobody watches it, so there is no
 * width to ask and no colour, and each write goes straight to the descriptor. Node's stream for
 * such a descriptor loads its stream and socket modules on first use (~4 ms of a one-step
 * `missionkit run`), and writes there synchronously anyway. A descriptor that will not take more
 * now (EAGAIN: a non-blocking pipe whose reader is behind) hands what is left, and every later
 * write, to Node's stream, so nothing is lost and the order holds; a reader that went away (EPIPE)
 * drops the rest, as the stream does.
 */
export const directTerminal = (fd: number, stream: () => NodeStream, write: WriteBytes): Terminal => {
  let slow: ((chunk: string | Uint8Array) => void) | undefined;
  let broken = false;
  return {
    isTTY: false,
    columns: () => 80,
    rows: () => 24,
    write: (text) => {
      if (slow !== undefined) {
        slow(text);
        return;
      }
      if (broken) return;
      const bytes = Buffer.from(text);
      let done = 0;
      try {
        while (done < bytes.length) done += write(fd, bytes, done, bytes.length - done);
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'EAGAIN') {
          broken = true;
          return;
        }
        // The rest as bytes: the descriptor may have taken part of a character.
        slow = writerOf(stream());
        slow(bytes.subarray(done));
      }
    },
  };
};

/** The terminal of descriptor `fd`: direct for a pipe, file or socket, Node's stream otherwise (a TTY). */
const terminalOfFd = (fd: number, stream: () => NodeStream): Terminal => {
  let direct = false;
  try {
    const stat = fstatSync(fd);
    direct = stat.isFIFO() || stat.isFile() || stat.isSocket();
  } catch {
    // Closed or unknown: Node's stream says what it can.
  }
  return direct ? directTerminal(fd, stream, writeSync) : terminalOf(stream());
};

/** The process's standard output. */
export const stdoutTerminal = (): Terminal => terminalOfFd(1, () => process.stdout);

/** The process's standard error. */
export const stderrTerminal = (): Terminal => terminalOfFd(2, () => process.stderr);
