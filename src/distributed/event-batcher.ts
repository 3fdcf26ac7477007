// Events of a worker's attempts go out in batches: everything sent during one turn of the event
// loop is one pipeline of XADDs, in order, masked first. Many output lines cost one round trip.
import type { Redis } from 'ioredis';
import { makeMasker, type Masker } from '../runtime/secret-mask.js';
import type { WireEvent } from './wire.js';

/** Most entries a run's stream keeps; older ones are trimmed (the coordinator reads as they come). */
const STREAM_MAX_LEN = 100_000;

/** Sends attempt events to their run's stream. */
export class EventBatcher {
  private pending: Array<{ readonly stream: string; readonly text: string }> = [];
  private flushing: Promise<void> = Promise.resolve();
  private scheduled = false;

  constructor(private readonly redis: Redis) {}

  /** A sender for one attempt: masks its secrets and queues to its stream. */
  sender(stream: string, secrets: ReadonlyArray<string>): (event: WireEvent) => void {
    const mask: Masker = makeMasker(secrets);
    return (event) => {
      this.pending.push({ stream, text: JSON.stringify(mask(event)) });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    };
  }

  /** Resolves once everything queued so far is in Redis (or failed to get there). */
  flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      const pipeline = this.redis.pipeline();
      for (const e of batch) pipeline.xadd(e.stream, 'MAXLEN', '~', STREAM_MAX_LEN, '*', 'e', e.text);
      await pipeline.exec().catch(() => undefined);
    });
    return this.flushing;
  }
}
