/**
 * @module The remote-write 1.0 `metadata` request: HELP, TYPE and unit of every pushed family,
 * sent on its own like Prometheus does (at start, then every `push.metadata_interval`).
 *
 * WriteRequest   { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
 * MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4;
 *                  string unit = 5; }
 */
import type { FamilyType, PushedFamily } from "../results/pushed_families.ts";
import { snappyCompress } from "../wal/snappy.ts";

/** `MetricMetadata.MetricType` numbers. */
const TYPE_NUMBER: Record<FamilyType, number> = {
  counter: 1,
  gauge: 2,
  histogram: 3,
  summary: 5,
  info: 6,
  stateset: 7,
};

const encoder = new TextEncoder();

function field(tag: number, bytes: Uint8Array): number[] {
  return [tag, ...varint(bytes.length), ...bytes];
}

function varint(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/**
 * The uncompressed `WriteRequest` holding only `families`' metadata.
 *
 * @example
 * ```ts
 * import { encodeMetadata } from "./metadata.ts";
 * const b = encodeMetadata([{ name: "up", type: "gauge", help: "h" }]);
 * // field 3 (metadata), then type 2 (gauge), name "up", help "h"
 * if (b.join() !== [0x1a, 9, 0x08, 2, 0x12, 2, 117, 112, 0x22, 1, 104].join()) throw new Error();
 * ```
 */
export function encodeMetadata(families: readonly PushedFamily[]): Uint8Array {
  const out: number[] = [];
  for (const f of families) {
    const body = [
      0x08,
      TYPE_NUMBER[f.type],
      ...field(0x12, encoder.encode(f.name)),
      ...field(0x22, encoder.encode(f.help)),
      ...(f.unit ? field(0x2a, encoder.encode(f.unit)) : []),
    ];
    out.push(0x1a, ...varint(body.length), ...body);
  }
  return new Uint8Array(out);
}

/** The snappy-compressed metadata request body. */
export function metadataRequest(families: readonly PushedFamily[]): Uint8Array {
  return snappyCompress(encodeMetadata(families));
}
