/**
 * @module The WAL record frame: `[length u32][crc32c u32][type u8][payload]`, little-endian.
 *
 * `length` counts the payload; the checksum covers the type byte and the payload. Type 1 (a batch
 * of samples) has the payload `[samples u32][snappy-compressed remote-write WriteRequest]`, so
 * counting samples never needs decompression. A reader that meets a bad frame resyncs by scanning
 * forward for the next offset where a whole frame checks out.
 */
import { crc32c } from "./crc32c.ts";

/** Bytes before the payload: length, checksum, type. */
export const FRAME_HEADER = 9;
/** Record type 1: samples as a compressed `WriteRequest`. */
export const TYPE_SAMPLES = 1;
/**
 * Record type 2, only ever the first record of a segment rewritten by compaction (compact.ts):
 * payload `[end u64]`, the global offset where the segment's logical range ends (where the next
 * segment starts), although the rewritten file is shorter.
 */
export const TYPE_COMPACTED = 2;
/**
 * Record types `TYPE_LANE` to `TYPE_LANE + MAX_LANES - 1`: a batch of samples like type 1, all of
 * jobs of one lane (`type - TYPE_LANE`; lanes.ts): records of two lanes share no series, which the
 * pusher reads from this byte without decompressing anything.
 */
export const TYPE_LANE = 16;
/** Lanes a record type can name. */
export const MAX_LANES = 16;
/** Size of the whole compaction marker frame. */
export const MARKER_SIZE = FRAME_HEADER + 8;
/** Largest payload accepted when reading; anything claiming more is damage. */
export const MAX_PAYLOAD = 64 * 1024 * 1024;
/** Smallest valid type-1 payload: the sample count plus a one-byte snappy block. */
const MIN_PAYLOAD = 5;

/** True for the type byte of a samples record (type 1 or a lane's). */
export function isSamplesType(type: number | undefined): boolean {
  return type === TYPE_SAMPLES ||
    (type !== undefined && type >= TYPE_LANE && type < TYPE_LANE + MAX_LANES);
}

/**
 * Builds one frame holding `compressed` (a snappy block) and its sample count; with `lane`
 * (0 to MAX_LANES - 1), a lane's record.
 */
export function encodeFrame(compressed: Uint8Array, samples: number, lane?: number): Uint8Array {
  const length = 4 + compressed.length;
  const out = new Uint8Array(FRAME_HEADER + length);
  const view = new DataView(out.buffer);
  view.setUint32(0, length, true);
  out[8] = lane === undefined ? TYPE_SAMPLES : TYPE_LANE + lane;
  view.setUint32(9, samples, true);
  out.set(compressed, 13);
  view.setUint32(4, crc32c(out.subarray(8)), true);
  return out;
}

/** Builds the compaction marker frame saying the segment's logical range ends at offset `end`. */
export function encodeCompactedMarker(end: number): Uint8Array {
  const out = new Uint8Array(MARKER_SIZE);
  const view = new DataView(out.buffer);
  view.setUint32(0, 8, true);
  out[8] = TYPE_COMPACTED;
  view.setBigUint64(9, BigInt(end), true);
  view.setUint32(4, crc32c(out.subarray(8)), true);
  return out;
}

/** The logical end offset in a valid compaction marker at the start of `buf`, or null. */
export function checkCompactedMarker(buf: Uint8Array): number | null {
  if (buf.length < MARKER_SIZE || buf[8] !== TYPE_COMPACTED) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(0, true) !== 8) return null;
  if (crc32c(buf.subarray(8, MARKER_SIZE)) !== view.getUint32(4, true)) return null;
  const end = Number(view.getBigUint64(9, true));
  return Number.isSafeInteger(end) ? end : null;
}

/** What {@linkcode checkFrame} found at an offset. */
export type FrameCheck =
  | { kind: "ok"; size: number; samples: number; lane?: number }
  | { kind: "bad" }
  | { kind: "short" };

/**
 * Checks the frame starting at `pos` in `buf`, where `buf` ends at `bufEnd` and the file at `fileEnd`
 * (both relative to `buf`'s start). `short` means more bytes of the file are needed to decide.
 */
export function checkFrame(buf: Uint8Array, pos: number, fileEnd: number): FrameCheck {
  if (pos + FRAME_HEADER > fileEnd) return { kind: "bad" };
  if (pos + FRAME_HEADER > buf.length) return { kind: "short" };
  const type = buf[pos + 8];
  if (!isSamplesType(type)) return { kind: "bad" };
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const length = view.getUint32(pos, true);
  if (length < MIN_PAYLOAD || length > MAX_PAYLOAD) return { kind: "bad" };
  const size = FRAME_HEADER + length;
  if (pos + size > fileEnd) return { kind: "bad" };
  if (pos + size > buf.length) return { kind: "short" };
  if (crc32c(buf.subarray(pos + 8, pos + size)) !== view.getUint32(pos + 4, true)) {
    return { kind: "bad" };
  }
  const samples = view.getUint32(pos + 9, true);
  return type === TYPE_SAMPLES ? { kind: "ok", size, samples } : {
    kind: "ok",
    size,
    samples,
    lane: type! - TYPE_LANE,
  };
}

/** The compressed `WriteRequest` inside a checked frame at `pos` of size `size`. */
export function framePayload(buf: Uint8Array, pos: number, size: number): Uint8Array {
  return buf.subarray(pos + 13, pos + size);
}
