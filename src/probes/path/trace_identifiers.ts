/**
 * @module The ICMP identifiers of the runs in flight on one channel: each run reserves one no
 * other run holds, so no key of one run can be another's.
 */

/** Reserves and releases identifiers. */
export interface IdentifierPool {
  /** A random identifier no run in flight holds, reserved; undefined after 64 tries. */
  reserve(): number | undefined;
  release(identifier: number): void;
}

/** A pool drawing candidates from `random`. */
export function createIdentifierPool(random: (bytes: Uint8Array) => Uint8Array): IdentifierPool {
  const held = new Set<number>();
  return {
    reserve() {
      const r = new Uint16Array(1);
      for (let attempt = 0; attempt < 64; attempt++) {
        random(new Uint8Array(r.buffer));
        if (!held.has(r[0]!)) {
          held.add(r[0]!);
          return r[0]!;
        }
      }
      return undefined;
    },
    release: (identifier) => void held.delete(identifier),
  };
}
