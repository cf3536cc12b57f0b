/**
 * @module A reused list of sample objects: a record's samples written into the same slots
 * record after record, for an encoder that reads them at once and keeps none (record_encoder.ts).
 * A fresh list per record was ~17 objects and three arrays, ~3 KB of garbage per ICMP result.
 */
import {
  type ProbeSample,
  type SampleOut,
  writeProbeSamples,
  writePushedExtraSamples,
} from "./probe_samples.ts";
import type { ResultRecord } from "./types.ts";

/** The slots; see the module doc. */
export interface SampleSlots {
  /**
   * `r`'s samples then its pushed extra ones, as `[...probeSamples(r), ...pushedExtraSamples(r)]`
   * lists them. The list and its objects are the slots' own: valid until the next call.
   */
  fill(r: ResultRecord): readonly ProbeSample[];
}

/** A mutable sample (every slot has the same shape: `labels` undefined when it has none). */
interface Slot {
  name: string;
  labels: ProbeSample["labels"];
  value: number;
}

/** Creates empty slots (they grow to the most samples one record had). */
export function createSampleSlots(): SampleSlots {
  const pool: Slot[] = [];
  const list: Slot[] = [];
  let n = 0;
  const put = (name: string, value: number, labels: ProbeSample["labels"]) => {
    const slot = pool[n] ??= { name, labels, value };
    slot.name = name;
    slot.labels = labels;
    slot.value = value;
    list[n++] = slot;
  };
  const out: SampleOut = {
    add: put,
    gauge: (g) => put(g.name, g.value, g.labels),
  };
  return {
    fill(r) {
      n = 0;
      writeProbeSamples(r, out);
      writePushedExtraSamples(r, out);
      list.length = n;
      return list;
    },
  };
}
