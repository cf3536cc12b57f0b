/**
 * @module The encoded remote-write `Label` fields of jobs, metric names and series' own labels,
 * each built once and cached: a job's by its record's `labels` object and job key, a
 * metric name's by the name, a series' own label list by the list object (then by its JSON).
 */
import type { ResultRecord } from "./types.ts";
import { jobLabels } from "./probe_samples.ts";
import { varintSize } from "./proto_size.ts";
import { buildLabelSet, type LabelDropReason, METRIC_NAME_RE } from "./label_set.ts";
import { putVarint } from "./varint.ts";

const encoder = new TextEncoder();

/** One label of a series (`stat`, a gauge's labels, `__name__`): its name and encoded field. */
export interface LabelField {
  name: string;
  field: Uint8Array;
}

/** A job's labels, encoded. */
export interface JobFields {
  probe: string;
  type: string;
  target: string;
  job: string | undefined;
  /** The encoded `Label` fields (tag included) of the job's labels, sorted by name. */
  bytes: Uint8Array;
  /** The label names, sorted (a list shared by the jobs of the same names, frozen), and where
   * each one's field starts in `bytes`. */
  names: readonly string[];
  starts: number[];
  /** Where `__name__` goes in `bytes`: before the first name sorting after it. */
  nameAt: number;
}

/** The caches of {@linkcode createLabelFieldCache}. */
export interface LabelFieldCache {
  /** The `__name__` field of `name`; null (told once) when the name is invalid. */
  nameField(name: string): Uint8Array | null;
  /** A series' own labels, sorted, empty values and invalid names left out. */
  ownFields(labels: readonly (readonly [string, string])[]): LabelField[];
  /** `own` with the `__name__` field `name` in sorted place. */
  withName(own: LabelField[], name: Uint8Array): LabelField[];
  /** The fields of `r`'s job, with the encoder's extra labels. */
  jobFields(r: ResultRecord): JobFields;
}

/** One `Label` field (tag 1 of TimeSeries), tag and length included. */
export function labelField(name: string, value: string): Uint8Array {
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

/** Bytes of one shared chunk of jobs' fields (~40 jobs of 100 bytes each). */
const CHUNK_BYTES = 4096;

/**
 * Concatenates `parts` into a view of a shared chunk: a job's fields are ~100 bytes, and a
 * buffer of their own would cost ~350 more (its `ArrayBuffer` and the backing store outside the
 * heap). A chunk is freed once none of its jobs is referenced (a reload drops them); fields
 * longer than half a chunk get a buffer of their own.
 */
function concatInto(chunk: { bytes: Uint8Array; at: number }, parts: Uint8Array[]): Uint8Array {
  const size = parts.reduce((n, p) => n + p.length, 0);
  let out: Uint8Array;
  if (size > CHUNK_BYTES / 2) out = new Uint8Array(size);
  else {
    if (chunk.at + size > chunk.bytes.length) {
      chunk.bytes = new Uint8Array(CHUNK_BYTES);
      chunk.at = 0;
    }
    out = chunk.bytes.subarray(chunk.at, chunk.at += size);
  }
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Caches adding `extra` labels to every job (never overriding a record's). */
export function createLabelFieldCache(
  extra: Readonly<Record<string, string>>,
  onLabelDrop?: (reason: LabelDropReason, name: string) => void,
): LabelFieldCache {
  // By labels object, then job key: the jobs of one target group share a labels object
  // (schedule/job.ts), and a reload's new objects let the old entries go.
  const jobs = new WeakMap<object, Map<string, JobFields>>();
  const names = new Map<string, Uint8Array | null>();
  const ownLabels = new Map<string, LabelField[]>();
  /** By list object first: a probe's constant label lists (phases) skip the JSON key. */
  const ownByRef = new WeakMap<object, LabelField[]>();
  /** A series' own labels with `__name__` in sorted place, per (labels, name field). */
  const mergedOf = new WeakMap<LabelField[], Map<Uint8Array, LabelField[]>>();
  const chunk = { bytes: new Uint8Array(0), at: 0 };
  /** One frozen list per distinct list of label names (every job of a group has the same). */
  const nameLists = new Map<string, readonly string[]>();
  const sharedNames = (list: string[]): readonly string[] => {
    const key = list.join("\n");
    let shared = nameLists.get(key);
    if (!shared) {
      if (nameLists.size >= 10_000) nameLists.clear(); // targets' own labels vary; bound it
      nameLists.set(key, shared = Object.freeze(list));
    }
    return shared;
  };

  return {
    nameField(name) {
      let f = names.get(name);
      if (f === undefined) {
        f = METRIC_NAME_RE.test(name) ? labelField("__name__", name) : null;
        if (!f) onLabelDrop?.("invalid_name", "__name__");
        names.set(name, f);
      }
      return f;
    },
    ownFields(labels) {
      const ref = ownByRef.get(labels);
      if (ref) return ref;
      const key = JSON.stringify(labels);
      let f = ownLabels.get(key);
      if (!f) {
        if (ownLabels.size > 10_000) ownLabels.clear(); // TLS details vary; bound it
        const set = buildLabelSet(labels, onLabelDrop);
        ownLabels.set(key, f = set.map(([k, v]) => ({ name: k, field: labelField(k, v) })));
      }
      ownByRef.set(labels, f);
      return f;
    },
    withName(own, name) {
      let byName = mergedOf.get(own);
      if (!byName) mergedOf.set(own, byName = new Map());
      let all = byName.get(name);
      if (!all) {
        all = [];
        let named = false;
        for (const e of own) {
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
    },
    jobFields(r) {
      let byKey = jobs.get(r.labels);
      const cached = byKey?.get(r.key);
      if (
        cached && cached.probe === r.probe && cached.target === r.target &&
        cached.type === r.type && cached.job === r.job
      ) {
        return cached;
      }
      // Precedence: instance, job, probe, type, target, the merged labels, then extra_labels.
      const set = buildLabelSet([...jobLabels(r), ...Object.entries(extra)], onLabelDrop);
      const fields = set.map(([k, v]) => labelField(k, v));
      // Made at its length: a list grown by `push` has room for 17 (~150 B per job, 8 used).
      const starts: number[] = new Array(fields.length + 1);
      let at = 0;
      for (let i = 0; i < fields.length; i++) {
        starts[i] = at;
        at += fields[i]!.length;
      }
      starts[fields.length] = at;
      const labelNames = sharedNames(set.map(([k]) => k));
      const after = labelNames.findIndex((n) => n > "__name__");
      const bytes = concatInto(chunk, fields);
      const nameAt = starts[after < 0 ? labelNames.length : after]!;
      const job: JobFields = {
        probe: r.probe,
        type: r.type,
        target: r.target,
        job: r.job,
        bytes,
        names: labelNames,
        starts,
        nameAt,
      };
      if (!byKey) jobs.set(r.labels, byKey = new Map());
      byKey.set(r.key, job);
      return job;
    },
  };
}
