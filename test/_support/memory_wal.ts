/** @module An in-memory `Wal` for pusher tests: records append, commit and read calls. */
import { snappyCompress } from "../../src/wal/snappy.ts";
import type { Wal, WalEntry, WalStats } from "../../src/wal/types.ts";

/** Each fake record takes its compressed size plus this header, like a real frame. */
const FRAME_OVERHEAD = 8;

/** A memory WAL with the call log tests assert on. */
export interface MemoryWal extends Wal {
  readonly entries: readonly WalEntry[];
  /** Every offset passed to `commit`, in order. */
  readonly commits: number[];
}

/** Creates an empty memory WAL at push position 0. */
export function createMemoryWal(): MemoryWal {
  const entries: WalEntry[] = [];
  const commits: number[] = [];
  const waiters = new Set<() => void>();
  let end = 0;
  let position = 0;
  const pending = () =>
    entries.filter((e) => e.offset >= position).reduce((n, e) => n + e.samples, 0);
  return {
    entries,
    commits,
    append(body, samples, lane) {
      const compressed = snappyCompress(body);
      const offset = end;
      end += compressed.length + FRAME_OVERHEAD;
      entries.push({
        offset,
        nextOffset: end,
        compressed,
        samples,
        ...(lane === undefined ? {} : { lane }),
      });
      for (const w of [...waiters]) w();
      return true;
    },
    flush: () => Promise.resolve(),
    read(offset, { maxBytes }) {
      const out: WalEntry[] = [];
      let bytes = 0;
      for (const e of entries) {
        if (e.offset < offset) continue;
        if (out.length > 0 && bytes + e.compressed.length > maxBytes) break;
        out.push(e);
        bytes += e.compressed.length;
      }
      return Promise.resolve(out);
    },
    waitForData(offset, signal) {
      if (end > offset || signal.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          waiters.delete(done);
          signal.removeEventListener("abort", done);
          resolve();
        };
        waiters.add(done);
        signal.addEventListener("abort", done, { once: true });
      });
    },
    get pushPosition() {
      return position;
    },
    commit(offset) {
      if (offset < position || offset > end) {
        return Promise.reject(
          new RangeError(`Cannot commit ${offset}: outside ${position}..${end}`),
        );
      }
      commits.push(offset);
      position = offset;
      return Promise.resolve();
    },
    stats(): WalStats {
      return {
        segments: 1,
        records: entries.length,
        samples: entries.reduce((n, e) => n + e.samples, 0),
        bytes: end,
        pending_samples: pending(),
        corrupt_records: 0,
        corrupt_samples: 0,
        corrupt_bytes: 0,
        corrupt_unparsed_bytes: 0,
        push_position: position,
        end_offset: end,
        disk_full: false,
      };
    },
    [Symbol.asyncDispose]() {
      for (const w of [...waiters]) w();
      return Promise.resolve();
    },
  };
}
