/** @module Turns queued appends into WAL frames: bodies joined (protobuf concatenation), compressed once. */
import { encodeFrame } from "./frame.ts";
import { snappyCompress } from "./snappy.ts";

/** One queued append: an uncompressed `WriteRequest` and its sample count. */
export interface PendingAppend {
  body: Uint8Array;
  samples: number;
  /** The lane of every series in `body` (lanes.ts), if written by lanes. */
  lane?: number;
}

/** A frame ready to write, with its sample count. */
export interface ReadyFrame {
  bytes: Uint8Array;
  samples: number;
}

/**
 * Packs appends into frames of at most `maxRecordBytes` uncompressed bytes each (an append larger
 * than that gets a frame of its own). Concatenated `WriteRequest`s are one valid `WriteRequest`,
 * and one big block lets snappy find the repeats between records. Appends of a lane go into that
 * lane's frames only, lane after lane (those without one first), each lane's in order: lanes
 * share no series, so the order between them does not matter to any series.
 */
export function packFrames(
  items: readonly PendingAppend[],
  maxRecordBytes: number,
): ReadyFrame[] {
  if (items.every((it) => it.lane === undefined)) return packRun(items, maxRecordBytes);
  const byLane = new Map<number, PendingAppend[]>();
  for (const it of items) {
    const lane = it.lane ?? -1;
    const list = byLane.get(lane);
    if (list) list.push(it);
    else byLane.set(lane, [it]);
  }
  const frames: ReadyFrame[] = [];
  for (const lane of [...byLane.keys()].sort((a, b) => a - b)) {
    frames.push(...packRun(byLane.get(lane)!, maxRecordBytes, lane < 0 ? undefined : lane));
  }
  return frames;
}

/** packFrames() for appends of one lane (or none). */
function packRun(
  items: readonly PendingAppend[],
  maxRecordBytes: number,
  lane?: number,
): ReadyFrame[] {
  const frames: ReadyFrame[] = [];
  let i = 0;
  while (i < items.length) {
    let bytes = 0;
    let samples = 0;
    let j = i;
    while (j < items.length && (j === i || bytes + items[j]!.body.length <= maxRecordBytes)) {
      bytes += items[j]!.body.length;
      samples += items[j]!.samples;
      j++;
    }
    const joined = adjacent(items, i, j) ?? join(items, i, j, bytes);
    frames.push({ bytes: encodeFrame(snappyCompress(joined), samples, lane), samples });
    i = j;
  }
  return frames;
}

/** The bodies of `items[i..j)` as one view when they lie back to back in one buffer (the WAL's
 * append chunks), so packing copies nothing before compressing; else undefined. */
function adjacent(items: readonly PendingAppend[], i: number, j: number): Uint8Array | undefined {
  const first = items[i]!.body;
  let end = first.byteOffset + first.length;
  for (let k = i + 1; k < j; k++) {
    const b = items[k]!.body;
    if (b.buffer !== first.buffer || b.byteOffset !== end) return undefined;
    end += b.length;
  }
  return new Uint8Array(first.buffer, first.byteOffset, end - first.byteOffset);
}

function join(items: readonly PendingAppend[], i: number, j: number, bytes: number): Uint8Array {
  const joined = new Uint8Array(bytes);
  let at = 0;
  for (let k = i; k < j; k++) {
    joined.set(items[k]!.body, at);
    at += items[k]!.body.length;
  }
  return joined;
}
