// Reading what is left in a child's output pipe, directly, when waiting for it to close took too
// long. The wait is measured on the wall clock, but the pipe is only read when the event loop polls
// it: a host busy elsewhere for longer than the wait (or one whose poll returned other ready pipes
// first — libuv takes at most 1,024 events per poll, and stops polling for that turn after a signal)
// would otherwise close a pipe whose output was never read. A direct read of the descriptor settles
// it: the bytes still in the pipe are delivered, and end-of-file tells a finished pipe from one that
// something still holds open.
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';

/** What a direct read found: the end of the output, a pipe still open, or no way to tell. */
export type PipeRest = 'ended' | 'open' | 'unknown';

// One buffer for every read: each holds at most this much, and delivered chunks are copies.
const buffer = Buffer.allocUnsafe(64 * 1024);

// A pipe a daemon keeps filling is read for this many chunks at most (4 MiB), then left as open.
const MAX_READS = 64;

/** The descriptor under a child's pipe stream (POSIX); undefined where Node keeps none (Windows). */
const descriptorOf = (stream: Readable): number | undefined => {
  // Node exposes the descriptor of a pipe handle as `fd` (-1 on Windows); it has no public accessor.
  const fd = (stream as unknown as { readonly _handle?: { readonly fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
};

/**
 * Reads what is left in `stream`'s pipe without waiting, handing each chunk to `deliver`. Call it
 * only from a callback, never while Node is reading the stream (the event loop is single-threaded:
 * what Node read before has already been delivered as 'data').
 */
export const readPipeRest = (stream: Readable, deliver: (chunk: Buffer) => void): PipeRest => {
  if (stream.readableEnded) return 'ended';
  const fd = descriptorOf(stream);
  if (fd === undefined) return 'unknown';
  for (let i = 0; i < MAX_READS; i++) {
    let n: number;
    try {
      n = fs.readSync(fd, buffer, 0, buffer.length, null);
    } catch (e) {
      // Nothing to read yet: the pipe is empty but some process still holds its other end.
      return (e as NodeJS.ErrnoException).code === 'EAGAIN' ? 'open' : 'unknown';
    }
    if (n === 0) return 'ended';
    deliver(Buffer.from(buffer.subarray(0, n)));
  }
  return 'open';
};
