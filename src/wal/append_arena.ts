/**
 * @module Where queued appends wait for their flush: each body is copied into a chunk of up to
 * 1 MiB, and chunks come back to a small pool once their frames are packed. A body kept as its
 * own buffer lives ~1 s in the queue (one a probe result: 10,000 ICMP targets make ~2.4 KB each),
 * long enough to reach V8's old generation and stay there, dead, until a full collection (~20 MB
 * of such buffers between two at 10,000 targets); pooled chunks make no such garbage.
 */
import type { PendingAppend } from "./batch.ts";

/** Bytes of one chunk (a body larger than this gets a chunk of its own, never pooled). */
export const CHUNK_BYTES = 1024 * 1024;
/** Free chunks kept for reuse (more than a flush's worth at the 4 MiB flush threshold). */
const POOL_CHUNKS = 5;

/** Queued appends in pooled chunks; see the module doc. */
export class AppendArena {
  #pending: PendingAppend[] = [];
  #chunks: Uint8Array[] = [];
  #chunk: Uint8Array | null = null;
  #used = 0;
  #free: Uint8Array[] = [];

  /** Queues a copy of `body` (the caller may reuse its buffer). */
  push(body: Uint8Array, samples: number, lane?: number): void {
    const n = body.length;
    if (n > CHUNK_BYTES) {
      this.#pending.push(
        lane === undefined ? { body: body.slice(), samples } : {
          body: body.slice(),
          samples,
          lane,
        },
      );
      return;
    }
    if (!this.#chunk || this.#used + n > CHUNK_BYTES) {
      this.#chunk = this.#free.pop() ?? new Uint8Array(CHUNK_BYTES);
      this.#chunks.push(this.#chunk);
      this.#used = 0;
    }
    this.#chunk.set(body, this.#used);
    const view = this.#chunk.subarray(this.#used, this.#used + n);
    this.#pending.push(
      lane === undefined ? { body: view, samples } : { body: view, samples, lane },
    );
    this.#used += n;
  }

  /** True when nothing is queued. */
  get empty(): boolean {
    return this.#pending.length === 0;
  }

  /**
   * Takes everything queued, in order; later pushes go to fresh chunks. Call `release()` once the
   * bodies have been copied out (packed into frames): their chunks are reused after that.
   */
  take(): { pending: PendingAppend[]; release: () => void } {
    const pending = this.#pending;
    const chunks = this.#chunks;
    this.#pending = [];
    this.#chunks = [];
    this.#chunk = null;
    this.#used = 0;
    return {
      pending,
      release: () => {
        for (const c of chunks) if (this.#free.length < POOL_CHUNKS) this.#free.push(c);
        chunks.length = 0;
      },
    };
  }
}
