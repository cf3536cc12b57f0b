/**
 * @module Fixed-width address bytes of many destinations packed into shared chunks. Pure. A
 * `Uint8Array` of its own per destination costs ~350 bytes (the view, its `ArrayBuffer` and the
 * backing store outside the heap) to hold 4 or 16; here 256 destinations share one buffer, and
 * each keeps only a reference to its chunk and an offset.
 */

/** Where one destination's bytes are: `bytes[at .. at + width)`. */
export interface Placed {
  readonly bytes: Uint8Array;
  readonly at: number;
}

/**
 * Hands out `width`-byte places in chunks of `perChunk` places. A full chunk is never written
 * again, so a place stays valid for as long as its holder keeps the chunk referenced.
 *
 * @example
 * ```ts
 * const chunks = new AddressChunks(4, 2);
 * const a = chunks.reserve();
 * const b = chunks.reserve();
 * const c = chunks.reserve(); // a new chunk
 * console.assert(a.bytes === b.bytes && b.at === 4 && c.bytes !== a.bytes && c.at === 0);
 * ```
 */
export class AddressChunks {
  #chunk = new Uint8Array(0);
  #at = 0;

  constructor(readonly width: number, readonly perChunk = 256) {
    if (!(width > 0 && perChunk > 0)) {
      throw new RangeError(`Cannot make address chunks: width ${width}, perChunk ${perChunk}`);
    }
  }

  /** The next free place (zeroed); the caller writes the address there. */
  reserve(): Placed {
    if (this.#at + this.width > this.#chunk.length) {
      this.#chunk = new Uint8Array(this.width * this.perChunk);
      this.#at = 0;
    }
    const at = this.#at;
    this.#at += this.width;
    return { bytes: this.#chunk, at };
  }
}

/** Whether `a[aAt..]` and `b[bAt..]` hold the same `width` bytes. */
export function sameBytes(
  a: Uint8Array,
  aAt: number,
  b: Uint8Array,
  bAt: number,
  width: number,
): boolean {
  for (let i = 0; i < width; i++) if (a[aAt + i] !== b[bAt + i]) return false;
  return true;
}
