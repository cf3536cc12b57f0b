/**
 * @module Result records straight to remote-write bytes, without per-sample allocations.
 *
 * The output is byte for byte `encodeWriteRequest(records.flatMap((r) => recordToSeries(r, extra)))`
 * (the reference encoders in test/_support/; one TimeSeries per sample, labels sorted by name as
 * label_set.ts builds them), but each job's label fields are encoded once and cached —
 * keyed by the record's `labels` object and job key (label_fields.ts) — metric-name fields once
 * per name, and one growable buffer is reused across calls (series_writer.ts); the series a
 * job's next result lacks are ended with stale markers (ended_series.ts). On the probe path
 * this turns ~30 µs of string encoding per record into a few copies.
 */
import type { ResultRecord } from "./types.ts";
import { storedSeconds } from "./series.ts";
import {
  DURATION_FAMILIES,
  type ProbeSample,
  probeSamples,
  pushedExtraSamples,
} from "./probe_samples.ts";
import type { LabelDropReason } from "./label_set.ts";
import { createLabelFieldCache, type JobFields } from "./label_fields.ts";
import { createSeriesWriter } from "./series_writer.ts";
import { createEndedSeries } from "./ended_series.ts";
import { createSampleSlots } from "./sample_slots.ts";

export { STALE_NAN_BITS } from "./series_writer.ts";

/** Encodes records; see the module doc. */
export interface RecordEncoder {
  /** The `WriteRequest` bytes of every sample of `records` (a fresh copy) and the sample count. */
  encode(records: readonly ResultRecord[]): { bytes: Uint8Array; samples: number };
  /**
   * The same bytes as `encode()`, in the encoder's own buffer (no copy): valid until its next
   * call. For a caller that copies them at once (the WAL's append queue).
   */
  encodeView(records: readonly ResultRecord[]): { bytes: Uint8Array; samples: number };
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

/** Creates an encoder adding `extra` labels (push.extra_labels; never overriding a record's). */
export function createRecordEncoder(
  extra: Readonly<Record<string, string>> = {},
  options: RecordEncoderOptions = {},
): RecordEncoder {
  const fields = createLabelFieldCache(extra, options.onLabelDrop);
  const writer = createSeriesWriter();
  const ended = createEndedSeries({ reusedLists: true });
  const slots = createSampleSlots();

  /** One sample of job `job`, unless its metric name is invalid (then 0, counted once). */
  const emit = (job: JobFields, sample: ProbeSample, ts: number, stale: boolean): number => {
    const name = fields.nameField(sample.name);
    if (!name) return 0;
    const value = DURATION_FAMILIES.has(sample.name) ? storedSeconds(sample.value) : sample.value;
    const all = sample.labels?.length
      ? fields.withName(fields.ownFields(sample.labels), name)
      : undefined;
    writer.write(job, name, all, value, ts, stale);
    return 1;
  };

  const encodeAll = (records: readonly ResultRecord[], at: number | undefined, copy = true) => {
    const stale = at !== undefined;
    writer.reset();
    let samples = 0;
    for (const r of records) {
      const job = fields.jobFields(r);
      const ts = at ?? r.timestampMs;
      const list = slots.fill(r);
      for (let i = 0; i < list.length; i++) samples += emit(job, list[i]!, ts, stale);
      if (stale) {
        ended.forget(r.key);
        continue;
      }
      for (const x of ended.update(r.key, list)) samples += emit(job, x, ts, true);
    }
    return { bytes: copy ? writer.take() : writer.view(), samples };
  };

  return {
    encode: (records) => encodeAll(records, undefined),
    encodeView: (records) => encodeAll(records, undefined, false),
    encodeStale: (records, timestampMs) => encodeAll(records, timestampMs),
  };
}
