/**
 * @module What the WAL keeps: the push position of each destination, and the deletion of
 * segments. A segment goes once every destination has passed it (commit), or, past `max_size`,
 * the oldest goes anyway and each destination that had not pushed its samples counts them as
 * dropped (`wal_full`, with its `destination` label) and moves on to the next segment.
 *
 * With one destination (or none named) the one position lives in `push_position`, as it always
 * has. With several, each has `dest_position.<name>` and `push_position` holds their lowest.
 */
import { joinPath as join } from "../base/paths.ts";
import type { Counter } from "../base/prom.ts";
import { logger } from "../log.ts";
import { destinationPositionFile } from "./destination_positions.ts";
import { PositionSaver } from "./position.ts";
import { segmentName } from "./recover.ts";
import { type IndexedSegment, segmentEnd, type WalIndex } from "./wal_index.ts";

const log = logger("wal");

/** What {@linkcode Retention} works on. */
export interface RetentionDeps {
  dir: string;
  index: WalIndex;
  /** Waits until compaction no longer uses `seg` (it is about to be deleted). */
  swapOf(seg: IndexedSegment): Promise<void> | undefined;
  /** `vmprober_push_dropped_samples_total{reason, destination}`. */
  dropped: Counter<"reason" | "destination">;
}

/** Push positions by destination name ("" for an unnamed single one) and segment deletion. */
export class Retention {
  readonly #deps: RetentionDeps;
  readonly #positions: Map<string, number>;
  readonly #savers = new Map<string, PositionSaver>();
  readonly #lowest: PositionSaver;
  #min: number;

  /** `positions`: the recovered position of each destination (one entry: single mode). */
  constructor(deps: RetentionDeps, positions: ReadonlyMap<string, number>) {
    this.#deps = deps;
    if (positions.size === 0) throw new RangeError("Cannot keep a WAL without a position");
    this.#positions = new Map(positions);
    this.#min = Math.min(...this.#positions.values());
    const warn = (what: string) => (e: unknown) =>
      log.warn("Cannot save the WAL push position{what}: {error}", { what, error: String(e) });
    this.#lowest = new PositionSaver(deps.dir, () => this.#min, warn(""));
    if (this.#positions.size > 1) {
      for (const name of this.#positions.keys()) {
        const saver = new PositionSaver(
          deps.dir,
          () => this.#positions.get(name)!,
          warn(` of ${name}`),
          destinationPositionFile(name),
        );
        this.#savers.set(name, saver);
      }
    }
  }

  /** The lowest position: everything before it is pushed everywhere. */
  get min(): number {
    return this.#min;
  }

  /** The destination names ("" for an unnamed single one). */
  names(): string[] {
    return [...this.#positions.keys()];
  }

  /** `name`'s position; throws for a name the WAL was not opened with. */
  position(name: string): number {
    const p = this.#positions.get(name);
    if (p === undefined) throw new RangeError(`Cannot find the WAL destination "${name}"`);
    return p;
  }

  /**
   * Moves `name`'s position (every destination's with `undefined`) up to `target`, saves it and
   * deletes the segments every destination has passed.
   */
  async commit(name: string | undefined, target: number): Promise<void> {
    const names = name === undefined ? this.names() : [name];
    const saves: Promise<void>[] = [];
    for (const n of names) {
      if (target <= this.position(n)) continue;
      this.#positions.set(n, target);
      const saver = this.#savers.get(n);
      if (saver) saves.push(saver.save());
    }
    const min = Math.min(...this.#positions.values());
    if (min > this.#min) {
      this.#min = min;
      await this.#deletePassed();
      saves.push(this.#lowest.save());
    }
    await Promise.all(saves);
  }

  async #deletePassed(): Promise<void> {
    const segs = this.#deps.index.segments;
    while (segs.length > 1 && segmentEnd(segs[0]!) <= this.#min) {
      const seg = segs.shift()!;
      await this.#deps.swapOf(seg);
      await this.#remove(seg, "Cannot delete a pushed WAL segment: {error}");
    }
  }

  /** Drops the oldest segments while the WAL is over `maxSize` bytes (never the last one). */
  async enforceMaxSize(maxSize: number): Promise<void> {
    const { index } = this.#deps;
    const segs = index.segments;
    while (index.bytes() > maxSize && segs.length > 1) {
      const seg = segs[0]!;
      const next = segs[1]!.start;
      const lostBy = new Map<string, number>();
      for (const [name, at] of this.#positions) {
        if (at >= next) continue;
        lostBy.set(
          name,
          segmentEnd(seg) > at ? index.samplesFrom(at) - index.samplesFrom(next) : 0,
        );
      }
      segs.shift();
      await this.#remove(seg, "Cannot delete an over-size WAL segment: {error}");
      const saves: Promise<void>[] = [];
      for (const [name, lost] of lostBy) {
        this.#positions.set(name, next);
        const saver = this.#savers.get(name);
        if (saver) saves.push(saver.save());
        if (lost <= 0) continue;
        this.#deps.dropped.inc(
          { reason: "wal_full", ...(name ? { destination: name } : {}) },
          lost,
        );
        log.warn("WAL over max_size: dropped the oldest segment with {samples} unpushed samples", {
          samples: lost,
          max_size: maxSize,
          ...(name ? { destination: name } : {}),
        });
      }
      if (this.#min < next) {
        this.#min = Math.min(...this.#positions.values());
        saves.push(this.#lowest.save());
      }
      await Promise.all(saves);
    }
  }

  async #remove(seg: IndexedSegment, failure: string): Promise<void> {
    await Deno.remove(join(this.#deps.dir, segmentName(seg.start))).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) {
        log.warn(failure, { error: String(e) });
      }
    });
  }

  /** Resolves when every save asked for so far has ended. */
  async settled(): Promise<void> {
    await Promise.all([
      this.#lowest.settled(),
      ...[...this.#savers.values()].map((s) => s.settled()),
    ]);
  }
}
