/**
 * @module The WAL as one push destination sees it: the shared log (append, read, wait) with that
 * destination's own position, commit and pending samples.
 */
import type { Wal, WalStats } from "./types.ts";
import type { WalIndex } from "./wal_index.ts";

/** What the view needs of the WAL beyond the seam. */
export interface DestinationParts {
  /** The destination's position (throws for an unknown name). */
  position(name: string): number;
  /** Moves the destination's position; deletes what every destination has passed. */
  commit(name: string, offset: number): Promise<void>;
  index: WalIndex;
  /** The destination's batch ends last noted: before the restart, or in this process. */
  resendStops(name: string): readonly number[];
  /** Records the destination's batches in flight (sent_batches.ts). */
  noteSent(name: string, from: number, ends: readonly number[]): void;
}

/** `wal` with `name`'s position; throws at once for a name the WAL does not know. */
export function destinationView(wal: Wal, name: string, parts: DestinationParts): Wal {
  parts.position(name);
  const stats = (): WalStats => {
    const at = parts.position(name);
    return {
      ...wal.stats(),
      pending_samples: parts.index.samplesFrom(at),
      push_position: at,
      end_offset: parts.index.endOffset(at),
    };
  };
  return {
    append: (body, samples, lane) => wal.append(body, samples, lane),
    flush: () => wal.flush(),
    read: (offset, options) => wal.read(offset, options),
    waitForData: (offset, signal) => wal.waitForData(offset, signal),
    get pushPosition() {
      return parts.position(name);
    },
    commit: (offset) => parts.commit(name, offset),
    get resendStops() {
      return parts.resendStops(name);
    },
    noteSent: (from, ends) => parts.noteSent(name, from, ends),
    stats,
    // The WAL is closed by its owner, not by one destination.
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}
