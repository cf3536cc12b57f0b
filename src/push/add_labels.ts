/**
 * @module Labels of one push destination added to a remote-write body as it is sent: several
 * destinations share one WAL, so the `extra_labels` they do not all share cannot be in the WAL's
 * records. Each TimeSeries gets every label it does not already have (its own win, as
 * `extra_labels` never override a series' labels when written to the WAL), placed in name order;
 * each label left out so is reported to `onDuplicate` (the pusher counts it). Other fields
 * (samples, metadata) are copied as they are. Pure.
 */
import { snappyCompress, snappyUncompress } from "../wal/snappy.ts";
import { putVarint } from "../results/varint.ts";
import { varintSize } from "../results/proto_size.ts";

const encoder = new TextEncoder();

/** One label ready to insert: its name bytes and its whole `Label` field (tag 1 of TimeSeries). */
interface Prepared {
  name: Uint8Array;
  field: Uint8Array;
}

function lengthDelimited(tag: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + varintSize(bytes.length) + bytes.length);
  out[0] = tag;
  out.set(bytes, putVarint(out, 1, bytes.length));
  return out;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Adds labels to uncompressed or compressed `WriteRequest`s; see the module doc. */
export interface LabelAdder {
  /** The uncompressed `WriteRequest` `body` with the labels added; throws on bytes that do not parse. */
  addTo(body: Uint8Array): Uint8Array;
  /** The same on a snappy-compressed body, compressed again. */
  addToCompressed(compressed: Uint8Array): Uint8Array;
}

/** Options of {@linkcode createLabelAdder}. */
export interface LabelAdderOptions {
  /** Told of the labels of one body left out because its series already had them (n > 0). */
  onDuplicate?: (n: number) => void;
}

/**
 * A {@linkcode LabelAdder} for `labels` (name → value).
 *
 * @example
 * ```ts
 * import { createLabelAdder } from "./add_labels.ts";
 * // A TimeSeries with one label a="1": 0a 08 | 0a 06 | 0a 01 61 12 01 31
 * const body = new Uint8Array([0x0a, 0x08, 0x0a, 0x06, 0x0a, 0x01, 0x61, 0x12, 0x01, 0x31]);
 * const out = createLabelAdder({ b: "2", a: "x" }).addTo(body);
 * if (out.length !== 2 + 8 + 8) throw new Error("b=2 added after a=1, a=x skipped");
 * ```
 */
export function createLabelAdder(
  labels: Readonly<Record<string, string>>,
  options: LabelAdderOptions = {},
): LabelAdder {
  const prepared: Prepared[] = Object.entries(labels)
    .map(([k, v]) => {
      const name = encoder.encode(k);
      const label = new Uint8Array([
        ...lengthDelimited(0x0a, name),
        ...lengthDelimited(0x12, encoder.encode(v)),
      ]);
      return { name, field: lengthDelimited(0x0a, label) };
    })
    .sort((a, b) => compare(a.name, b.name));

  function addTo(body: Uint8Array): Uint8Array {
    if (prepared.length === 0) return body;
    let duplicates = 0;
    const parts: Uint8Array[] = [];
    let pos = 0;
    const end = body.length;
    const varint = (limit: number): number => {
      let v = 0;
      let mul = 1;
      for (let i = 0; i < 8; i++) {
        if (pos >= limit) break;
        const b = body[pos++]!;
        v += (b & 0x7f) * mul;
        if (b < 0x80) return v;
        mul *= 128;
      }
      throw new SyntaxError("Cannot add labels: a bad varint in the WriteRequest");
    };
    const field = (limit: number): { tag: number; from: number; start: number; stop: number } => {
      const from = pos;
      const tag = varint(limit);
      if ((tag & 7) !== 2) throw new SyntaxError(`Cannot add labels: field tag ${tag} unexpected`);
      const len = varint(limit);
      const start = pos;
      if (start + len > limit) throw new SyntaxError("Cannot add labels: a field overruns");
      pos = start + len;
      return { tag, from, start, stop: pos };
    };
    while (pos < end) {
      const top = field(end);
      if (top.tag !== 0x0a) { // not a TimeSeries: as it is
        parts.push(body.subarray(top.from, top.stop));
        continue;
      }
      pos = top.start;
      const labelFields: { name: Uint8Array; bytes: Uint8Array }[] = [];
      const rest: Uint8Array[] = [];
      while (pos < top.stop) {
        const f = field(top.stop);
        const bytes = body.subarray(f.from, f.stop);
        if (f.tag !== 0x0a) {
          rest.push(bytes);
          continue;
        }
        // The Label's name (its field 1), wherever it is in the Label.
        const after = pos;
        pos = f.start;
        let name: Uint8Array = new Uint8Array(0);
        while (pos < f.stop) {
          const g = field(f.stop);
          if (g.tag === 0x0a) name = body.subarray(g.start, g.stop);
        }
        pos = after;
        labelFields.push({ name, bytes });
      }
      /** Whether the series has a label `name` (then ours is left out, and counted). */
      const has = (name: Uint8Array): boolean => {
        const found = labelFields.some((o) => compare(o.name, name) === 0);
        if (found) duplicates++;
        return found;
      };
      const merged: Uint8Array[] = [];
      let i = 0;
      for (const l of labelFields) {
        while (i < prepared.length && compare(prepared[i]!.name, l.name) < 0) {
          if (!has(prepared[i]!.name)) merged.push(prepared[i]!.field);
          i++;
        }
        merged.push(l.bytes);
      }
      for (; i < prepared.length; i++) if (!has(prepared[i]!.name)) merged.push(prepared[i]!.field);
      merged.push(...rest);
      const size = merged.reduce((n, b) => n + b.length, 0);
      const head = new Uint8Array(1 + varintSize(size));
      head[0] = 0x0a;
      putVarint(head, 1, size);
      parts.push(head, ...merged);
    }
    if (duplicates > 0) options.onDuplicate?.(duplicates);
    const total = parts.reduce((n, b) => n + b.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  return {
    addTo,
    addToCompressed(compressed) {
      if (prepared.length === 0) return compressed;
      return snappyCompress(addTo(snappyUncompress(compressed)));
    },
  };
}
