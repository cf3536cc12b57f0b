/**
 * @module Bytes copied into 1 MiB chunks, each piece addressed by one number (chunk × 1 MiB +
 * offset; a piece never spans two chunks). Growing adds a chunk instead of doubling and copying
 * one buffer, which would hold the old and the new buffer at once (48 MB for 16 MB of bytes).
 */

/** log2 of the chunk size: a position's chunk is `at >>> POOL_SHIFT`. */
export const POOL_SHIFT = 20;
/** A position's offset in its chunk is `at & POOL_MASK`. */
export const POOL_MASK = (1 << POOL_SHIFT) - 1;
const CHUNK = 1 << POOL_SHIFT;

/** Append-only bytes in chunks, kept for reuse after {@linkcode clear}. */
export class BytePool {
  /** The chunks; read piece `at` as `chunks[at >>> POOL_SHIFT]` from `at & POOL_MASK`. */
  readonly chunks: Uint8Array[] = [];
  #chunk = -1;
  #off = CHUNK;

  /** Bytes up to the end of the last piece (the unused tails of full chunks included). */
  get length(): number {
    return this.#chunk < 0 ? 0 : this.#chunk * CHUNK + this.#off;
  }

  /** Bytes of the chunks held. */
  get capacity(): number {
    return this.chunks.length * CHUNK;
  }

  /** Copies `body[from, to)` (at most 1 MiB) in and returns its position. */
  copy(body: Uint8Array, from: number, to: number): number {
    const n = to - from;
    if (n > CHUNK) throw new RangeError(`Cannot compact: a piece of ${n} bytes`);
    if (this.#off + n > CHUNK) {
      this.#chunk++;
      if (this.#chunk === this.chunks.length) this.chunks.push(new Uint8Array(CHUNK));
      this.#off = 0;
    }
    const c = this.chunks[this.#chunk]!;
    const off = this.#off;
    for (let i = 0; i < n; i++) c[off + i] = body[from + i]!; // (no view object per copy)
    this.#off += n;
    return this.#chunk * CHUNK + off;
  }

  /** Forgets every piece, keeping the chunks. */
  clear(): void {
    this.#chunk = -1;
    this.#off = CHUNK;
  }
}
