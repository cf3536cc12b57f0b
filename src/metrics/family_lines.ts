/**
 * @module The exposition lines of one metric family of one record: a {@linkcode SampleOut} that
 * keeps only the samples named `name` and pushes each as a line with the job's labels. A scrape
 * writes each record's samples once per family with it (no sample objects kept per job).
 */
import type { ProbeSample } from "../results/probe_samples.ts";
import type { SampleOut } from "../results/probe_samples.ts";
import { formatValue, labelText } from "./exposition.ts";

/** Writes the lines of family `name` for a job with label text `labels` to `push`. */
export class FamilyLines implements SampleOut {
  /** The family written. */
  name = "";
  /** The job's label text (`a="x",b="y"`). */
  labels = "";
  /** Where lines go. */
  push: (line: string) => void = () => {};

  /** One sample: a line when it is of the family. */
  add(name: string, value: number, labels?: readonly (readonly [string, string])[]): void {
    if (name !== this.name) return;
    const own = labels ? "," + labelText(labels) : "";
    this.push(`${name}{${this.labels}${own}} ${formatValue(value)}`);
  }

  /** A gauge of the record: a line when it is of the family. */
  gauge(g: ProbeSample): void {
    this.add(g.name, g.value, g.labels);
  }
}
