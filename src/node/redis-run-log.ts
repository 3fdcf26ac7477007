// The open log of a run journaled in Redis. The journal port's appends are synchronous (the
// scheduler's loop is), and a `durable` append must be stored when it returns, as the file journal's
// fsync is. Node has no synchronous socket, so a worker thread owns the Redis connection: the run's
// thread hands it batches and, for a durable one, blocks on a shared counter (Atomics.wait) until
// Redis acknowledged everything up to it — one round trip, where the file journal pays an fsync.
// The thread also keeps the run's lease alive. Writes are idempotent by sequence number, so a batch
// is re-sent after a reconnect (a Redis restart) without a duplicate or a hole.
import { hostname } from 'node:os';
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Durability, JournalEntry, RunLog, RunOutcome } from '../ports/journal.js';
import { entryLine } from '../runtime/journal-lines.js';

/** Batched entries are sent at the latest this long after they were appended (as the file journal). */
const FLUSH_MS = 100;
/** …or as soon as this many bytes wait. */
const FLUSH_BYTES = 64 * 1024;

/** Who holds a run: this host and process, plus a nonce so two opens in one process differ. */
export const holderName = (): string =>
  `${hostname()}|${process.pid}|${Math.random().toString(36).slice(2, 10)}`;

/** This host's name, to tell whether recorded pids are this host's. */
export const thisHost = (): string => hostname();

/** Where ioredis is, for the writer thread to load it (this module may be an ES module). */
const ioredisPath = (): string => {
  // CommonJS has `require.resolve`. An ES module build has at most a bundler's stand-in for
  // `require`, a function without `resolve` (esbuild's), so that is asked for by name.
  if (typeof require === 'function' && typeof require.resolve === 'function')
    return require.resolve('ioredis');
  // An ES module cannot name its own URL in source that also compiles to CommonJS; a stack frame can.
  const own = /(file:\/\/[^\s)]+?):\d+:\d+/.exec(new Error().stack ?? '')?.[1];
  return createRequire(own ?? `${process.cwd()}/`).resolve('ioredis');
};

/** What the writer thread needs: plain data only. */
export interface RedisRunLogOptions {
  readonly runId: string;
  /** ioredis options (no functions). */
  readonly redis: Record<string, unknown>;
  /** The server as shown in messages (no password). */
  readonly display: string;
  readonly password: string | undefined;
  readonly keys: {
    readonly lease: string;
    readonly run: string;
    readonly events: string;
    readonly active: string;
  };
  readonly token: string;
  readonly epoch: number;
  /** The sequence number of the next entry. */
  readonly nextSeq: number;
  readonly leaseMs: number;
  readonly writeTimeoutMs: number;
  readonly scripts: {
    readonly append: string;
    readonly finish: string;
    readonly refresh: string;
    readonly release: string;
  };
}

// The writer thread: plain JavaScript, run with `eval` so it needs no file of its own next to
// either build. It handles one message at a time, in order; a batch that fails for a transient
// reason (a dropped connection, a restarting server still LOADING its AOF) is sent again.
const WRITER = `
const { parentPort, workerData: d } = require('node:worker_threads');
const flags = new Int32Array(d.shared);
const port = d.port;
let failed = false;
const fail = (message) => {
  if (failed) return;
  failed = true;
  port.postMessage({ error: message });
  Atomics.store(flags, 1, 1);
  Atomics.notify(flags, 0);
};
let Redis;
try { Redis = require(d.ioredis); } catch (e) { fail('cannot load ioredis from ' + d.ioredis + ': ' + (e && e.message)); }
if (!failed) {
const client = new Redis({ ...d.redis, lazyConnect: false, maxRetriesPerRequest: null, enableOfflineQueue: true,
  autoResendUnfulfilledCommands: true, retryStrategy: (n) => Math.min(20 * n, 250) });
client.on('error', (e) => port.postMessage({ lastError: String(e && e.message) }));
client.defineCommand('mkAppend', { numberOfKeys: 3, lua: d.scripts.append });
client.defineCommand('mkFinish', { numberOfKeys: 3, lua: d.scripts.finish });
client.defineCommand('mkRefresh', { numberOfKeys: 2, lua: d.scripts.refresh });
client.defineCommand('mkRelease', { numberOfKeys: 1, lua: d.scripts.release });
const k = d.keys;
const common = [d.token, String(d.epoch), String(d.leaseMs)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ack = (batch) => { Atomics.store(flags, 0, batch); Atomics.notify(flags, 0); };
// A server's answer is final, except those that say "not now" (a restart loading its AOF, a failover).
// Redis prefixes "ERR " to an error of one word (MK_LOST); the code is what follows.
const codeOf = (e) => String(e && e.message).replace(/^ERR (?=MK_)/, '');
const isFatal = (e) => /^MK_/.test(codeOf(e)) ||
  (e && e.name === 'ReplyError' && !/^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN|READONLY)/.test(String(e.message)));
const retry = async (call) => {
  for (;;) {
    try { return await call(); }
    catch (e) {
      if (isFatal(e)) throw e;
      port.postMessage({ lastError: String(e && e.message) });
      await sleep(50);
    }
  }
};
const refresh = setInterval(() => {
  if (failed) return;
  client.mkRefresh(k.lease, k.run, ...common).catch((e) => { if (/^MK_/.test(codeOf(e))) fail(codeOf(e)); });
}, Math.max(50, Math.floor(d.leaseMs / 3)));
let chain = Promise.resolve();
parentPort.on('message', (m) => {
  chain = chain.then(async () => {
    if (failed) return;
    try {
      if (m.kind === 'append') await retry(() => client.mkAppend(k.lease, k.run, k.events, ...common, String(m.first), ...m.lines));
      else if (m.kind === 'finish') await retry(() => client.mkFinish(k.lease, k.run, k.active, ...common, m.outcome, d.runId));
      else if (m.kind === 'release') {
        clearInterval(refresh);
        await client.mkRelease(k.lease, d.token).catch(() => undefined);
        client.disconnect();
      }
      ack(m.batch);
    } catch (e) {
      fail(codeOf(e));
    }
  });
});
}
`;

/** The journal could not be written: the run stops; the message says why and what to do. */
export class RedisJournalError extends Error {
  override readonly name = 'RedisJournalError';
}

/** A message of the writer thread: a fatal error, or the last transient one (for a timeout's message). */
type WriterMessage = { readonly error?: string; readonly lastError?: string };

class RedisRunLog implements RunLog {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flags: Int32Array;
  private pending: string[] = [];
  private pendingBytes = 0;
  private seq: number;
  private batch = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private failure: Error | undefined;
  private lastError: string | undefined;

  constructor(private readonly o: RedisRunLogOptions) {
    this.seq = o.nextSeq;
    const shared = new SharedArrayBuffer(8);
    this.flags = new Int32Array(shared);
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(WRITER, {
      eval: true,
      // Not the host's flags: `--input-type=module` would make this CommonJS code an ES module.
      execArgv: [],
      workerData: {
        ioredis: ioredisPath(),
        shared,
        port: channel.port2,
        redis: o.redis,
        keys: o.keys,
        token: o.token,
        epoch: o.epoch,
        leaseMs: o.leaseMs,
        scripts: o.scripts,
        runId: o.runId,
      },
      transferList: [channel.port2],
    });
    this.worker.on('error', (e) => {
      this.failure ??= new RedisJournalError(
        `run ${o.runId}: the thread writing the journal to Redis at ${o.display} failed: ${this.scrub(e.message)}`,
      );
    });
    // The thread must not keep a host alive whose run ended; close() stops it.
    this.worker.unref();
    this.port.unref();
  }

  get runId(): string {
    return this.o.runId;
  }

  append(entry: JournalEntry, durability: Durability): void {
    if (this.closed) return;
    this.check();
    const line = entryLine(entry).slice(0, -1);
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (durability === 'durable') this.flush(true);
    else if (this.pendingBytes >= FLUSH_BYTES) this.flush(false);
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flushSoon(), FLUSH_MS);
      this.timer.unref();
    }
  }

  sync(): void {
    if (!this.closed) this.flush(true);
  }

  finish(outcome: RunOutcome): void {
    if (this.closed) return;
    // The run has its report: an outcome that cannot be stored does not take it from the host.
    // The run then lists as interrupted, and resuming it replays to the same report, running nothing.
    try {
      this.flush(false);
      this.send({ kind: 'finish', outcome: JSON.stringify(outcome) });
      this.wait(this.batch);
    } catch {
      // Kept in this.failure.
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.failure === undefined && !this.failedInThread()) {
        this.flush(false);
        this.send({ kind: 'release' });
        this.wait(this.batch);
      }
    } catch {
      // A lease that cannot be released lapses on its own, leaseMs later.
    } finally {
      this.closed = true;
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.port.close();
      await this.worker.terminate();
    }
  }

  /** A timer's flush: its failure surfaces at the next append (a timer has no one to throw to). */
  private flushSoon(): void {
    this.timer = undefined;
    try {
      this.flush(false);
    } catch {
      // Kept in this.failure.
    }
  }

  /** Hands what waits to the thread, in order; `durable` also waits until Redis acknowledged it. */
  private flush(durable: boolean): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length > 0) {
      const lines = this.pending;
      this.pending = [];
      this.pendingBytes = 0;
      this.send({ kind: 'append', first: this.seq, lines });
      this.seq += lines.length;
    }
    if (durable) this.wait(this.batch);
  }

  private send(message: Record<string, unknown>): void {
    this.batch += 1;
    this.worker.postMessage({ ...message, batch: this.batch });
  }

  private failedInThread(): boolean {
    return Atomics.load(this.flags, 1) === 1;
  }

  /** Throws what the thread reported, if it failed. */
  private check(): void {
    if (this.failure !== undefined) throw this.failure;
    if (!this.failedInThread()) return;
    this.drain();
    this.failure ??= this.explain('MK_UNKNOWN');
    throw this.failure;
  }

  /** Reads the thread's messages without yielding to the event loop. */
  private drain(): void {
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      const message = m.message as WriterMessage;
      if (message.error !== undefined) this.failure = this.explain(message.error);
      if (message.lastError !== undefined) this.lastError = message.lastError;
    }
  }

  /** Blocks until Redis acknowledged batch `n`, the thread failed, or the write timeout passed. */
  private wait(n: number): void {
    const deadline = Date.now() + this.o.writeTimeoutMs;
    for (;;) {
      this.check();
      const acked = Atomics.load(this.flags, 0);
      if (acked >= n) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.drain();
        this.failure = new RedisJournalError(
          `run ${this.o.runId}: Redis at ${this.o.display} did not store the journal within ${this.o.writeTimeoutMs} ms${
            this.lastError !== undefined ? ` (last error: ${this.scrub(this.lastError)})` : ''
          } — the run stops rather than go on unrecorded; once Redis is back, resume it with \`missionkit resume ${this.o.runId} --redis <url>\``,
        );
        throw this.failure;
      }
      Atomics.wait(this.flags, 0, acked, Math.min(left, 1000));
    }
  }

  private scrub(text: string): string {
    const p = this.o.password;
    return p !== undefined && p.length > 0 ? text.split(p).join('***') : text;
  }

  /** A fatal error of the thread in words: where, what, what to do. */
  private explain(code: string): Error {
    const id = this.o.runId;
    const where = `Redis at ${this.o.display}`;
    const resume = `\`missionkit resume ${id} --redis <url>\``;
    if (code.startsWith('MK_LOST'))
      return new RedisJournalError(
        `run ${id}: ${where} no longer holds the run (it restarted without persistence, or its keys were flushed or deleted) — nothing more can be recorded, so the run stops; run Redis with append-only persistence (appendonly yes) and start the mission again`,
      );
    if (code.startsWith('MK_GAP')) {
      const [, last, first] = code.split(' ');
      return new RedisJournalError(
        `run ${id}: ${where} lost journal entries ${Number(last) + 1}–${Number(first) - 1} it had acknowledged (it restarted and its append-only file did not have them; appendfsync everysec can lose the last second) — the run stops rather than go on with a hole; resume it with ${resume}: steps whose end was lost run again`,
      );
    }
    if (code.startsWith('MK_LEASE')) {
      // The holder now (`epoch|host|pid|nonce`), or the epoch the run is at if it already let go.
      const [epoch, host, pid] = code.slice('MK_LEASE '.length).split('|');
      const who = host !== undefined ? `process ${pid ?? '?'} on ${host}` : `${epoch ?? ''}`;
      return new RedisJournalError(
        `run ${id}: another coordinator took the run over (${this.scrub(who)}) after this one's lease of ${this.o.leaseMs} ms lapsed (the process stalled, or lost Redis for that long) — this coordinator stops; the other one finishes the run`,
      );
    }
    return new RedisJournalError(`run ${id}: writing the journal to ${where} failed: ${this.scrub(code)}`);
  }
}

/** Opens the log of a run whose lease `token` this process holds. */
export const openRedisRunLog = (options: RedisRunLogOptions): RunLog => new RedisRunLog(options);
