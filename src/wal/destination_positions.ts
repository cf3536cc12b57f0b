/**
 * @module Positions of several push destinations in one WAL. Each destination has its own file
 * `dest_position.<escaped name>` (same format and atomic replace as `push_position`), and
 * `push_position` holds the lowest of them: what every destination has passed, so what may be
 * deleted, and where a destination without a file of its own starts (an upgrade from one
 * destination to several, or a destination added to the config, loses nothing).
 */
import { joinPath as join } from "../base/paths.ts";
import { logger } from "../log.ts";
import { type PositionRead, readPosition } from "./position.ts";
import { quarantine } from "./quarantine.ts";
import { DEST_SENT_PREFIX } from "./sent_batches.ts";
import type { WalIndex } from "./wal_index.ts";

/** State of a position file after recovery. */
export type PositionState = "ok" | "missing" | "corrupt" | "clamped";

const PREFIX = "dest_position.";
/** A destination's position file, or its temporary twin (`.tmp`: a write a crash cut short). */
const DEST_FILE = /^dest_position\.([A-Za-z0-9_%-]+)(\.tmp)?$/;

const log = logger("wal");

/**
 * The position file name of destination `name`: every character but `A-Z a-z 0-9 _ -` is escaped
 * as `%XX`, so distinct names never share a file and no name makes a path.
 *
 * @example
 * ```ts
 * import { destinationPositionFile } from "./destination_positions.ts";
 * if (destinationPositionFile("vm:8428/w") !== "dest_position.vm%3A8428%2Fw") throw new Error();
 * ```
 */
export function destinationPositionFile(name: string): string {
  return PREFIX + name.replace(/[^A-Za-z0-9_-]/g, (c) => {
    const hex = [...new TextEncoder().encode(c)].map((b) => b.toString(16).padStart(2, "0"));
    return hex.map((h) => `%${h.toUpperCase()}`).join("");
  });
}

/** The sent-batches file of destination `name` (sent_batches.ts), named as its position file. */
export function destinationSentFile(name: string): string {
  return DEST_SENT_PREFIX + destinationPositionFile(name).slice(PREFIX.length);
}

/** The destination name a position file is for (the inverse of destinationPositionFile). */
export function destinationOfFile(file: string): string | undefined {
  const m = DEST_FILE.exec(file);
  if (!m || m[2]) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}

/** What a file name of the WAL directory is to this module: a position, its tmp, or neither. */
export function destinationFileKind(file: string): "position" | "tmp" | undefined {
  const m = DEST_FILE.exec(file);
  return m ? (m[2] ? "tmp" : "position") : undefined;
}

/**
 * Turns what a position file held into an offset on a record boundary of `index`: missing or
 * corrupt → `fallback` (already settled), before the log → its start, past its end → the end.
 */
export function settlePosition(
  index: WalIndex,
  pos: PositionRead,
  fallback: number,
): { offset: number; state: PositionState } {
  let offset = pos.state === "ok" ? Math.max(index.startOffset(pos.offset), pos.offset) : fallback;
  let state: PositionState = pos.state;
  if (pos.state === "ok" && index.segments.length > 0 && pos.offset > index.endOffset()) {
    state = "clamped";
    offset = index.endOffset();
  }
  const ref = index.find(offset);
  offset = ref ? index.segments[ref.seg]!.offsets[ref.rec]! : index.endOffset(offset);
  return { offset, state };
}

/** One destination's position as recovered. */
export interface DestinationPosition {
  offset: number;
  state: PositionState;
}

/**
 * Reads the position of each of `names` (settled on `index`; `fallback`, the settled
 * `push_position`, for a destination without a good file). With `repair`: a corrupt file is set
 * aside in quarantine/, and the files of destinations no longer in `names` are deleted, so that
 * a removed destination holds back no segment.
 */
export async function readDestinationPositions(
  dir: string,
  index: WalIndex,
  options: { names: readonly string[]; fallback: number; repair: boolean },
): Promise<Map<string, DestinationPosition>> {
  const out = new Map<string, DestinationPosition>();
  const wanted = new Set<string>();
  for (const name of options.names) {
    const file = destinationPositionFile(name);
    wanted.add(file);
    const read = await readPosition(dir, file);
    const settled = settlePosition(index, read, options.fallback);
    if (read.state === "corrupt") {
      log.warn("The WAL position file of {destination} is corrupt ({detail}); from {offset}", {
        destination: name,
        detail: read.detail,
        offset: settled.offset,
      });
      if (options.repair) await quarantine(dir, file).catch(() => {});
    } else if (read.state === "missing") {
      log.info("No WAL position of {destination} yet: it starts at {offset}", {
        destination: name,
        offset: settled.offset,
      });
    }
    out.set(name, settled);
  }
  if (options.repair) {
    for (const name of options.names) wanted.add(destinationSentFile(name));
    for await (const e of Deno.readDir(dir)) {
      const sent = e.name.startsWith(DEST_SENT_PREFIX);
      if ((destinationFileKind(e.name) === undefined && !sent) || wanted.has(e.name)) continue;
      await Deno.remove(join(dir, e.name), { recursive: true }).catch(() => {});
      if (destinationFileKind(e.name) === "position") {
        log.info("Removed the WAL position file {file}: its destination left the config", {
          file: e.name,
        });
      }
    }
  }
  return out;
}
