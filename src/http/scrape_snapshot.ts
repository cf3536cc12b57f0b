/**
 * @module One rendered `/metrics` page shared by every scrape that overlaps it. A scrape that
 * arrives while a page renders waits for that page; one that arrives while a page under a second
 * old is still being sent takes it too. So 1,000 concurrent scrapers cost one render and one
 * copy of the page (e.g. 6.4 MB for 2,000 targets), not a thousand. Rendering encodes the page
 * piece by piece and yields to the event loop every few milliseconds, so /healthz and the
 * scheduler are not held up by a large page.
 */
import { type Clock, systemClock } from "../base/clock.ts";

/** A rendered page: UTF-8 pieces of about 25 KB, each shared read-only by its readers. */
export interface Snapshot {
  readonly pieces: readonly Uint8Array[];
  readonly bytes: number;
  /** Monotonic ms when rendering started. */
  readonly renderedAt: number;
}

/** Options of {@linkcode createSnapshotSource}. */
export interface SnapshotSourceOptions {
  /** The page as text pieces (the self metrics text first, then the per-target pieces). */
  render: () => Promise<Iterable<string>>;
  clock?: Clock;
  /** A page older than this is not handed to a new scrape. Default 1,000 ms. */
  maxAgeMs?: number;
  /** Longest run of rendering between yields to the event loop. Default 5 ms. */
  sliceMs?: number;
}

/** Hands out the shared page; `release` it when the answer that took it ends. */
export interface SnapshotSource {
  take(): Promise<Snapshot>;
  release(snapshot: Snapshot): void;
  /** Pages rendered so far. */
  readonly renders: number;
}

const encoder = new TextEncoder();

/** Creates the shared page source. */
export function createSnapshotSource(options: SnapshotSourceOptions): SnapshotSource {
  const clock = options.clock ?? systemClock;
  const maxAgeMs = options.maxAgeMs ?? 1000;
  const sliceMs = options.sliceMs ?? 5;
  let rendering: Promise<Snapshot> | null = null;
  /** The newest page while some answer still sends it (dropped when the last one ends). */
  let current: Snapshot | null = null;
  const readers = new Map<Snapshot, number>();
  let renders = 0;

  async function render(): Promise<Snapshot> {
    const renderedAt = clock.now();
    const pieces: Uint8Array[] = [];
    let bytes = 0;
    let sliceStart = clock.now();
    for (const text of await options.render()) {
      const piece = encoder.encode(text);
      pieces.push(piece);
      bytes += piece.length;
      if (clock.now() - sliceStart >= sliceMs) {
        await clock.sleep(0);
        sliceStart = clock.now();
      }
    }
    renders++;
    return { pieces, bytes, renderedAt };
  }

  const hold = (s: Snapshot) => {
    readers.set(s, (readers.get(s) ?? 0) + 1);
    return s;
  };

  return {
    async take() {
      if (rendering) return hold(await rendering);
      if (current && clock.now() - current.renderedAt < maxAgeMs) return hold(current);
      rendering = render();
      try {
        current = await rendering;
      } finally {
        rendering = null;
      }
      return hold(current);
    },
    release(s) {
      const n = (readers.get(s) ?? 0) - 1;
      if (n > 0) return void readers.set(s, n);
      readers.delete(s);
      if (current === s) current = null;
    },
    get renders() {
      return renders;
    },
  };
}
