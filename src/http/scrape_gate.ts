/**
 * @module Admission for `/metrics`: at most `maxConcurrent` answers at once (past it the caller
 * answers 503 with Retry-After), each streamed from the shared page of {@linkcode SnapshotSource}
 * and cut after `timeoutMs` (a client that stops reading would otherwise hold its slot, and the
 * pieces it has not read, forever).
 */
import { type Clock, systemClock } from "../base/clock.ts";
import type { PageCursor, SnapshotSource } from "./scrape_snapshot.ts";
import { Counter, type Registry } from "../base/prom.ts";

/** Why a scrape got no complete page: refused at the door, or cut for not reading in time. */
export type ScrapeRejectReason = "too_many_scrapes" | "write_timeout";
/** Every {@linkcode ScrapeRejectReason}, for zero-initialized counters. */
export const SCRAPE_REJECT_REASONS: readonly ScrapeRejectReason[] = [
  "too_many_scrapes",
  "write_timeout",
];

/** Options of {@linkcode createScrapeGate}. */
export interface ScrapeGateOptions {
  snapshots: SnapshotSource;
  /** Answers sent at once; more are refused. */
  maxConcurrent: number;
  /** Longest time from admission to the last byte handed to the socket. */
  timeoutMs: number;
  clock?: Clock;
  /** Registers `vmprober_http_rejected_total{reason}`. */
  registry?: Registry;
}

/** The gate in front of `/metrics`. */
export interface ScrapeGate {
  /** The page as a byte stream, or null when `maxConcurrent` answers are already going. */
  open(): Promise<ReadableStream<Uint8Array> | null>;
  /** Answers being sent now. */
  readonly inFlight: number;
}

/** Creates the gate. */
export function createScrapeGate(options: ScrapeGateOptions): ScrapeGate {
  const clock = options.clock ?? systemClock;
  const rejected = options.registry && new Counter({
    name: "vmprober_http_rejected_total",
    help: "/metrics answers refused with 503 or cut for not being read in time, by reason.",
    labelNames: ["reason"],
    registers: [options.registry],
  });
  for (const reason of SCRAPE_REJECT_REASONS) rejected?.inc({ reason }, 0);
  const reject = (reason: ScrapeRejectReason) => rejected?.inc({ reason });
  let inFlight = 0;
  return {
    async open() {
      if (inFlight >= options.maxConcurrent) {
        reject("too_many_scrapes");
        return null;
      }
      inFlight++;
      const timer = new AbortController();
      let finished = false;
      let release = () => {};
      const finish = () => {
        if (finished) return;
        finished = true;
        inFlight--;
        timer.abort();
        release();
      };
      let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
      clock.sleep(options.timeoutMs, timer.signal).then(() => {
        if (finished) return;
        reject("write_timeout");
        controllerRef?.error(new Error(`Cannot send /metrics: not read within the timeout`));
        finish();
      }, () => {});
      let cursor: PageCursor;
      try {
        cursor = await options.snapshots.open();
      } catch (e) {
        finish();
        throw e;
      }
      if (finished) {
        // Timed out while the page started.
        cursor.close();
        throw new Error("Cannot send /metrics: the page took longer than the timeout");
      }
      release = () => cursor.close();
      return new ReadableStream<Uint8Array>({
        start(controller) {
          controllerRef = controller;
        },
        pull(controller) {
          if (finished) return;
          let piece: Uint8Array | null;
          try {
            piece = cursor.next();
          } catch (e) {
            finish();
            throw e;
          }
          if (piece === null) {
            controller.close();
            finish();
          } else controller.enqueue(piece);
        },
        cancel: finish,
      }, { highWaterMark: 0 }); // pull only when the client reads: nothing is made ahead
    },
    get inFlight() {
      return inFlight;
    },
  };
}
