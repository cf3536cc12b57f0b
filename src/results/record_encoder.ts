/**
 * @module Result records straight to remote-write bytes, without per-sample allocations.
 *
 * The output is byte for byte `encodeWriteRequest(records.flatMap((r) => recordToSeries(r, extra)))`
 * (the reference encoders in test/_support/; one TimeSeries per sample, labels sorted by name as
 * label_set.ts builds them), but each job's label fields are encoded once and cached — keyed by
 * the record's `labels` object, which is one object per scheduled job — metric-name fields once
 * per name, and one growable buffer is reused across calls. On the probe path this turns ~30 µs of
 * string encoding per record into a few copies.
 */
import type { ResultRecord } from "./types.ts";
import { storedSeconds } from "./series.ts";
import {
  DURATION_FAMILIES,
  jobLabels,
  type ProbeSample,
  probeSamples,
  pushedExtraSamples,
} from "./probe_samples.ts";
import { int64Size, varintSize } from "./proto_size.ts";
import { buildLabelSet, type LabelDropReason, METRIC_NAME_RE } from "./label_set.ts";
import { putInt64, putVarint } from "./varint.ts";

const encoder = new TextEncoder();

/** Encodes records; see the module doc. */
export interface RecordEncoder {
  /** The `WriteRequest` bytes of every sample of `records` (a fresh copy) and the sample count. */
  encode(records: readonly ResultRecord[]): { bytes: Uint8Array; samples: number };
  /**
   * A stale marker (value {@linkcode STALE_NAN_BITS}) at `timestampMs` for every series the last
   * record of a job had: the job has ended (target or module removed), like Prometheus does when a
   * target leaves. Same bytes as `encode()` with every value replaced.
   */
  encodeStale(
    records: readonly ResultRecord[],
    timestampMs: number,
  ): { bytes: Uint8Array; samples: number };
}

/** The samples `encode()` writes for `r` alone (stale markers of ended series aside). */
function samplesOf(r: ResultRecord): readonly ProbeSample[] {
  const extra = pushedExtraSamples(r);
  return extra.length === 0 ? probeSamples(r) : [...probeSamples(r), ...extra];
}

/** How many samples `encode()` writes for `r` alone (stale markers of ended series aside). */
export function sampleCount(r: ResultRecord): number {
  return samplesOf(r).length;
}

/** Options of {@linkcode createRecordEncoder}. */
export interface RecordEncoderOptions {
  /** Told once per job (when its labels are first encoded) of every label left out. */
  onLabelDrop?: (reason: LabelDropReason, name: string) => void;
}

/** Prometheus' staleness marker: a NaN with this exact bit pattern (high word, low word). */
export const STALE_NAN_BITS = [0x7ff00000, 0x00000002] as const;

/** A series' own label (`stat`, a gauge's labels): its name and encoded field. */
interface Extra {
  name: string;
  field: Uint8Array;
}

interface JobFields {
  probe: string;
  type: string;
  target: string;
  job: string | undefined;
  /** The encoded `Label` fields (tag included) of the job's labels, sorted by name. */
  bytes: Uint8Array;
  /** The label names, sorted, and where each one's field starts in `bytes`. */
  names: string[];
  starts: number[];
  /** Where `__name__` goes in `bytes`: before the first name sorting after it. */
  nameAt: number;
  /** `bytes` before and after `nameAt` (views made once, not per series). */
  head: Uint8Array;
  tail: Uint8Array;
}

/** One `Label` field (tag 1 of TimeSeries), tag and length included. */
function labelField(name: string, value: string): Uint8Array {
  const n = encoder.encode(name);
  const v = encoder.encode(value);
  const size = 1 + varintSize(n.length) + n.length + 1 + varintSize(v.length) + v.length;
  const out = new Uint8Array(1 + varintSize(size) + size);
  out[0] = 0x0a;
  let at = putVarint(out, 1, size);
  out[at++] = 0x0a;
  at = putVarint(out, at, n.length);
  out.set(n, at);
  at += n.length;
  out[at++] = 0x12;
  at = putVarint(out, at, v.length);
  out.set(v, at);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Creates an encoder adding `extra` labels (push.extra_labels; never overriding a record's). */
export function createRecordEncoder(
  extra: Readonly<Record<string, string>> = {},
  options: RecordEncoderOptions = {},
): RecordEncoder {
  // By labels object, then job key: the jobs of one target group share a labels object
  // (schedule/job.ts), and a reload's new objects let the old entries go.
  const jobs = new WeakMap<object, Map<string, JobFields>>();
  const names = new Map<string, Uint8Array | null>();
  let buf = new Uint8Array(64 * 1024);
  let view = new DataView(buf.buffer);
  let len = 0;

  const nameField = (name: string): Uint8Array | null => {
    let f = names.get(name);
    if (f === undefined) {
      f = METRIC_NAME_RE.test(name) ? labelField("__name__", name) : null;
      if (!f) options.onLabelDrop?.("invalid_name", "__name__");
      names.set(name, f);
    }
    return f;
  };
  const ownLabels = new Map<string, Extra[]>();
  /** By list object first: a probe's constant label lists (phases) skip the JSON key. */
  const ownByRef = new WeakMap<object, Extra[]>();
  const ownExtras = (labels: readonly (readonly [string, string])[]): Extra[] => {
    const ref = ownByRef.get(labels);
    if (ref) return ref;
    const key = JSON.stringify(labels);
    let f = ownLabels.get(key);
    if (!f) {
      if (ownLabels.size > 10_000) ownLabels.clear(); // TLS details vary; bound it
      const set = buildLabelSet(labels, options.onLabelDrop);
      ownLabels.set(key, f = set.map(([k, v]) => ({ name: k, field: labelField(k, v) })));
    }
    ownByRef.set(labels, f);
    return f;
  };
  /** A series' own labels with `__name__` in sorted place, per (labels, name field). */
  const mergedOf = new WeakMap<Extra[], Map<Uint8Array, Extra[]>>();
  const merged = (extras: Extra[], name: Uint8Array): Extra[] => {
    let byName = mergedOf.get(extras);
    if (!byName) mergedOf.set(extras, byName = new Map());
    let all = byName.get(name);
    if (!all) {
      all = [];
      let named = false;
      for (const e of extras) {
        if (!named && e.name > "__name__") {
          all.push({ name: "__name__", field: name });
          named = true;
        }
        all.push(e);
      }
      if (!named) all.push({ name: "__name__", field: name });
      byName.set(name, all);
    }
    return all;
  };

  const fieldsOf = (r: ResultRecord): JobFields => {
    let byKey = jobs.get(r.labels);
    const cached = byKey?.get(r.key);
    if (
      cached && cached.probe === r.probe && cached.target === r.target && cached.type === r.type &&
      cached.job === r.job
    ) {
      return cached;
    }
    // Precedence: instance, job, probe, type, target, the merged labels, then extra_labels.
    const set = buildLabelSet([...jobLabels(r), ...Object.entries(extra)], options.onLabelDrop);
    const fields = set.map(([k, v]) => labelField(k, v));
    const starts: number[] = [];
    let at = 0;
    for (const f of fields) {
      starts.push(at);
      at += f.length;
    }
    starts.push(at);
    const names = set.map(([k]) => k);
    const after = names.findIndex((n) => n > "__name__");
    const bytes = concat(fields);
    const nameAt = starts[after < 0 ? names.length : after]!;
    const job: JobFields = {
      probe: r.probe,
      type: r.type,
      target: r.target,
      job: r.job,
      bytes,
      names,
      starts,
      nameAt,
      head: bytes.subarray(0, nameAt),
      tail: bytes.subarray(nameAt),
    };
    if (!byKey) jobs.set(r.labels, byKey = new Map());
    byKey.set(r.key, job);
    return job;
  };

  const ensure = (n: number) => {
    if (len + n <= buf.length) return;
    let size = buf.length * 2;
    while (size < len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(buf.subarray(0, len));
    buf = next;
    view = new DataView(buf.buffer);
  };

  /**
   * The labels of a series with its own: the job's runs between `all`'s fields, copied by range
   * (no view per run). Returns the bytes; writes them at `len` when `write`.
   */
  const walk = (job: JobFields, all: readonly Extra[], write: boolean): number => {
    const { names, starts, bytes: base } = job;
    let total = 0;
    let i = 0;
    let run = 0;
    for (const e of all) {
      while (i < names.length && names[i]! < e.name) i++;
      const to = starts[i]!;
      if (write) {
        for (let k = run; k < to; k++) buf[len++] = base[k]!;
        buf.set(e.field, len);
        len += e.field.length;
      }
      total += to - run + e.field.length;
      if (names[i] === e.name) i++;
      run = starts[i]!;
    }
    if (write) { for (let k = run; k < base.length; k++) buf[len++] = base[k]!; }
    return total + base.length - run;
  };

  /** Set while `encodeStale()` runs: every value becomes the stale marker. */
  let stale = false;

  /**
   * Appends one TimeSeries with one sample: the job's labels with `__name__` and the series' own
   * label (`more`, named `moreName`, which wins over a job label of that name) in sorted place.
   */
  const series = (
    name: Uint8Array,
    job: JobFields,
    extras: Extra[] | undefined,
    value: number,
    ts: number,
  ) => {
    const base = job.bytes;
    const sampleSize = 1 + 8 + 1 + int64Size(ts);
    if (!extras) {
      const tsSize = name.length + base.length + 1 + varintSize(sampleSize) + sampleSize;
      ensure(1 + 10 + tsSize);
      buf[len++] = 0x0a;
      len = putVarint(buf, len, tsSize);
      buf.set(job.head, len);
      len += job.head.length;
      buf.set(name, len);
      len += name.length;
      buf.set(job.tail, len);
      len += job.tail.length;
    } else {
      // The series' own labels (sorted, `__name__` among them) merged into the job's; one of
      // theirs replaces a job label of the same name. Walked twice: size, then bytes; job label
      // runs are copied by range (no view per run).
      const all = merged(extras, name);
      const tsSize = walk(job, all, false) + 1 + varintSize(sampleSize) + sampleSize;
      ensure(1 + 10 + tsSize);
      buf[len++] = 0x0a;
      len = putVarint(buf, len, tsSize);
      walk(job, all, true);
    }
    buf[len++] = 0x12;
    len = putVarint(buf, len, sampleSize);
    buf[len++] = 0x09;
    if (stale) {
      view.setUint32(len, STALE_NAN_BITS[1], true);
      view.setUint32(len + 4, STALE_NAN_BITS[0], true);
    } else {
      view.setFloat64(len, value, true);
    }
    len += 8;
    buf[len++] = 0x10;
    len = putInt64(buf, len, ts);
  };

  /** One sample of job `job`, unless its metric name is invalid (then 0, counted once). */
  const emit = (job: JobFields, sample: ProbeSample, ts: number): number => {
    const name = nameField(sample.name);
    if (!name) return 0;
    const value = DURATION_FAMILIES.has(sample.name) ? storedSeconds(sample.value) : sample.value;
    series(name, job, sample.labels?.length ? ownExtras(sample.labels) : undefined, value, ts);
    return 1;
  };
  const labelIds = new WeakMap<object, string>();
  const idOf = (s: ProbeSample) => {
    if (!s.labels?.length) return s.name;
    let json = labelIds.get(s.labels);
    if (json === undefined) labelIds.set(s.labels, json = JSON.stringify(s.labels));
    return `${s.name}\u0000${json}`;
  };
  /** The samples each job's last result had, by job key (ids are made only when they differ). */
  const lastSeries = new Map<string, readonly ProbeSample[]>();
  /** Same series as the previous list, by name and label-list identity (the common case). */
  const sameSeries = (a: readonly ProbeSample[], b: readonly ProbeSample[]) => {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (a[i]!.name !== b[i]!.name || a[i]!.labels !== b[i]!.labels) return false;
    }
    return true;
  };

  const encodeAll = (records: readonly ResultRecord[], at: number | undefined) => {
    len = 0;
    let samples = 0;
    for (const r of records) {
      const job = fieldsOf(r);
      const ts = at ?? r.timestampMs;
      const list = samplesOf(r);
      for (const sample of list) samples += emit(job, sample, ts);
      if (stale) {
        lastSeries.delete(r.key);
        continue;
      }
      // A series the job's previous result had and this one lacks (no reply: no RTT; no address:
      // no IP protocol) ends here, as a series missing from a scrape does in Prometheus.
      const before = lastSeries.get(r.key);
      lastSeries.set(r.key, list);
      if (!before || sameSeries(before, list)) continue;
      const now = new Set(list.map(idOf));
      stale = true;
      const ended = new Set<string>();
      for (const x of before) {
        const id = idOf(x);
        if (!now.has(id) && !ended.has(id)) {
          ended.add(id);
          samples += emit(job, x, ts);
        }
      }
      stale = false;
    }
    return { bytes: buf.slice(0, len), samples };
  };

  return {
    encode(records) {
      return encodeAll(records, undefined);
    },
    encodeStale(records, timestampMs) {
      stale = true;
      try {
        return encodeAll(records, timestampMs);
      } finally {
        stale = false;
      }
    },
  };
}
