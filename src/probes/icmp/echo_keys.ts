/**
 * @module Fresh (identifier, sequence) keys for a run's echo requests: random, and none of them
 * in flight already. Reuses one scratch buffer (no allocation per run). Pure but for `random`.
 */
import { ID_MASK } from "./echo_filter.ts";

/** Reserves keys for runs on one channel. */
export interface KeyReserver {
  /**
   * `identifier * 65536 + base` such that the sequences `base..base+count-1` (mod 65536) are all
   * free, or -1 after 32 tries.
   */
  reserve(count: number): number;
}

/** Options of {@linkcode createKeyReserver}. */
export interface KeyReserverOptions {
  /** Raw sockets: identifier << 16 | sequence; datagram sockets: the sequence alone. */
  keyed: boolean;
  /** Raw sockets: the channel's identifier block (its low bits are chosen per run). */
  idBase: number;
  /** Fills the bytes it is given with random values. */
  random: (bytes: Uint8Array) => Uint8Array;
}

/** Creates a reserver over the `inFlight` table of keys. */
export function createKeyReserver(
  inFlight: { has(key: number): boolean },
  options: KeyReserverOptions,
): KeyReserver {
  const { keyed, idBase, random } = options;
  const r = new Uint16Array(2);
  const bytes = new Uint8Array(r.buffer);
  return {
    reserve(count) {
      for (let attempt = 0; attempt < 32; attempt++) {
        random(bytes);
        const identifier = keyed ? idBase | (r[0]! & ~ID_MASK & 0xffff) : r[0]!;
        const base = r[1]!;
        let free = true;
        for (let i = 0; i < count && free; i++) {
          const seq = (base + i) & 0xffff;
          free = !inFlight.has(keyed ? identifier * 65536 + seq : seq);
        }
        if (free) return identifier * 65536 + base;
      }
      return -1;
    },
  };
}
