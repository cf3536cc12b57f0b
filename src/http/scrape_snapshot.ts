/**
 * @module One `/metrics` page rendered once and streamed to every scrape that joins it. The page
 * is made piece by piece (~25 KB each) as its fastest reader pulls, and a piece is dropped as
 * soon as every reader has passed it: concurrent scrapers cost one render, and memory holds only
 * the pieces between the slowest and the fastest reader (a few pieces when they read alike, at
 * most the page). A scrape joins the newest page while that page still has its first piece and
 * is under a second old; otherwise it starts a new page. Each pull makes one piece, so a large
 * page never holds the event loop for long.
 */
import { type Clock, systemClock } from "../base/clock.ts";

/** One reader's place in a page. */
export interface PageCursor {
  /** The next piece, or null at the end of the page. Throws if rendering failed. */
  next(): Uint8Array | null;
  /** Leaves the page (at its end, or when the client goes away); idempotent. */
  close(): void;
}

/** Options of {@linkcode createSnapshotSource}. */
export interface SnapshotSourceOptions {
  /** The page as text pieces (the self metrics text first, then the per-target pieces). */
  render: () => Promise<Iterable<string>>;
  clock?: Clock;
  /** A page older than this takes no new readers. Default 1,000 ms. */
  maxAgeMs?: number;
  /**
   * Called once when the last reader leaves a page (the agent hands the C library's free memory
   * back to the OS there: a page's pieces are malloc'ed, ~25 KB each).
   */
  onPageDone?: () => void;
  /** Called once as a page starts, before its render. */
  onPageStart?: () => void;
}

/** Hands out cursors on the shared page. */
export interface SnapshotSource {
  open(): Promise<PageCursor>;
  /** Pages rendered so far. */
  readonly renders: number;
  /** Pieces held in memory now, over all pages. */
  readonly heldPieces: number;
}

const encoder = new TextEncoder();

interface Page {
  startedAt: number;
  it: Iterator<string>;
  /** Pieces from index `base` on; earlier ones every reader has passed. */
  pieces: Uint8Array[];
  base: number;
  done: boolean;
  error?: unknown;
  cursors: Set<{ pos: number }>;
  /** Whether the last reader has left (and `onPageDone` was called). */
  finished: boolean;
}

/** Creates the shared page source. */
export function createSnapshotSource(options: SnapshotSourceOptions): SnapshotSource {
  const clock = options.clock ?? systemClock;
  const maxAgeMs = options.maxAgeMs ?? 1000;
  let starting: Promise<Page> | null = null;
  let newest: Page | null = null;
  let renders = 0;
  let held = 0;

  const joinable = (p: Page) =>
    p.base === 0 && p.error === undefined && clock.now() - p.startedAt < maxAgeMs;

  async function start(): Promise<Page> {
    const startedAt = clock.now();
    options.onPageStart?.();
    let it: Iterator<string>;
    try {
      it = (await options.render())[Symbol.iterator]();
    } catch (e) {
      options.onPageDone?.(); // no reader will ever leave this page
      throw e;
    }
    renders++;
    return {
      startedAt,
      it,
      pieces: [],
      base: 0,
      done: false,
      cursors: new Set(),
      finished: false,
    };
  }

  /** Drops the pieces every reader of `page` has passed. */
  function trim(page: Page): void {
    let min = Infinity;
    for (const c of page.cursors) min = Math.min(min, c.pos);
    if (min === Infinity) min = page.base + page.pieces.length;
    const drop = Math.min(min - page.base, page.pieces.length);
    if (drop <= 0) return;
    page.pieces.splice(0, drop);
    page.base += drop;
    held -= drop;
  }

  function cursorOn(page: Page): PageCursor {
    const me = { pos: 0 };
    page.cursors.add(me);
    let closed = false;
    return {
      next() {
        if (closed) return null;
        while (me.pos >= page.base + page.pieces.length && !page.done) {
          if (page.error !== undefined) throw page.error;
          let n: IteratorResult<string>;
          try {
            n = page.it.next();
          } catch (e) {
            page.error = e;
            throw e;
          }
          if (n.done) page.done = true;
          else {
            page.pieces.push(encoder.encode(n.value));
            held++;
          }
        }
        if (me.pos >= page.base + page.pieces.length) return null;
        const piece = page.pieces[me.pos - page.base]!;
        me.pos++;
        trim(page);
        return piece;
      },
      close() {
        if (closed) return;
        closed = true;
        page.cursors.delete(me);
        trim(page);
        if (page.cursors.size === 0) {
          if (newest === page) newest = null;
          if (!page.finished) {
            page.finished = true;
            options.onPageDone?.();
          }
        }
      },
    };
  }

  return {
    async open() {
      if (starting) return cursorOn(await starting);
      if (newest && joinable(newest)) return cursorOn(newest);
      starting = start();
      try {
        newest = await starting;
      } finally {
        starting = null;
      }
      return cursorOn(newest);
    },
    get renders() {
      return renders;
    },
    get heldPieces() {
      return held;
    },
  };
}
