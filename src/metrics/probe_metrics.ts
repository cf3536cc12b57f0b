/**
 * @module Live per-target metrics, fed by normalized records and rendered as Prometheus text.
 *
 * Kept outside prom-client on purpose: label sets differ per target (source labels), series must
 * vanish when a target leaves, and one record updates a dozen series — a map of plain per-job
 * state rendered on scrape costs a fraction of prom-client's per-label-set lookups.
 */
import type { ResultRecord, Sink } from "../results/types.ts";
import { formatValue, labelText } from "./exposition.ts";
import { runSync, STEP_ITEMS, type Steps } from "../base/slices.ts";
import { type HistogramRows, HistogramSlab } from "./histogram_slab.ts";
import { familiesOf, jobLabels, writeProbeSamples } from "../results/probe_samples.ts";
import { FamilyLines } from "./family_lines.ts";
import { copyState, countResult, type JobSnapshot, type JobState } from "./job_state.ts";

export { countResult };

/**
 * Lines per piece of {@linkcode ProbeMetrics.chunks}: ~25 KB, below V8's large-object size and
 * the C library's mmap threshold, so a scrape's pieces die young. Pieces of 2,048 lines (~190 KB)
 * went to the large-object space and the malloc heap and left RSS ~17 MB higher after each scrape
 * of 10,000 ICMP targets.
 */
const CHUNK_LINES = 256;

/** Default RTT histogram buckets for ICMP packets, in seconds. */
export const ICMP_RTT_BUCKETS = [
  0.00005,
  0.0001,
  0.00025,
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
];

/** The live metrics sink; `render()` is called on every scrape. */
export interface ProbeMetrics extends Sink {
  render(): string;
  /**
   * The same text as `render()` in pieces of about `maxLines` lines, made as they are pulled:
   * a scrape of 10,000 targets (tens of MB of text) never sits in memory whole.
   */
  chunks(maxLines?: number): Generator<string>;
  /** Drops the series of every job whose key is not in `keys` (targets that left). */
  retain(keys: ReadonlySet<string>): void;
  /** {@linkcode ProbeMetrics.retain} as steps (a `yield` every few hundred jobs). */
  retainSteps(keys: Pick<ReadonlySet<string>, "has">): Steps<void>;
  readonly series: number;
  /** Rows allocated in the histogram slabs, in use or not (they shrink after a reload). */
  readonly histogramRows: number;
}

/** Creates the live metrics sink with the configured duration buckets. */
export function createProbeMetrics(options: { buckets: readonly number[] }): ProbeMetrics {
  const buckets = options.buckets;
  const bucketLes = buckets.map(formatValue);
  const icmpLes = ICMP_RTT_BUCKETS.map(formatValue);
  const jobs = new Map<string, JobState>();
  // Compaction (after a reload) moves rows; the job holding one is told its new slot.
  const durations = new HistogramSlab<JobState>(buckets, { moved: (s, i) => (s.duration = i) });
  const icmpRtts = new HistogramSlab<JobState>(ICMP_RTT_BUCKETS, {
    moved: (s, i) => (s.icmpRtt = i),
  });
  const drop = (s: JobState) => {
    durations.release(s.duration);
    if (s.icmpRtt >= 0) icmpRtts.release(s.icmpRtt);
  };

  const labelsOf = (r: ResultRecord) => {
    const all = jobLabels(r);
    const fixed = all.slice(0, 5);
    const merged = all.slice(5).sort(([a], [b]) => (a < b ? -1 : 1));
    return labelText([...fixed, ...merged]);
  };

  const self: ProbeMetrics = {
    write(records) {
      for (const r of records) {
        const key = r.key;
        let s = jobs.get(key);
        if (!s || s.labelsRef !== r.labels) {
          const labels = labelsOf(r);
          if (!s || s.labels !== labels) {
            if (s) drop(s);
            s = {
              labels,
              labelsRef: r.labels,
              last: r,
              duration: -1,
              results: [],
              icmpSent: 0,
              icmpReceived: 0,
              icmpRtt: -1,
            };
            s.duration = durations.alloc(s);
            jobs.set(key, s);
          }
          s.labelsRef = r.labels;
        }
        s.last = r;
        durations.observe(s.duration, r.durationSeconds);
        const result = r.success ? "success" : (r.reason ?? "error");
        s.results = countResult(s.results, result);
        if (r.icmp) {
          s.icmpSent += r.icmp.sent;
          s.icmpReceived += r.icmp.received;
          if (s.icmpRtt < 0) s.icmpRtt = icmpRtts.alloc(s);
          for (const rtt of r.icmp.rttsSeconds) icmpRtts.observe(s.icmpRtt, rtt);
        }
      }
    },
    retain: (keys) => runSync(self.retainSteps(keys)),
    *retainSteps(keys) {
      let n = 0;
      for (const k of jobs.keys()) {
        if (++n % STEP_ITEMS === 0) yield;
        if (keys.has(k)) continue;
        drop(jobs.get(k)!);
        jobs.delete(k);
      }
      // Rows of the jobs that left: the histograms shrink when few rows are left in use.
      yield* durations.compactSteps();
      yield* icmpRtts.compactSteps();
    },
    get series() {
      return jobs.size;
    },
    get histogramRows() {
      return durations.capacity + icmpRtts.capacity;
    },
    render() {
      let text = "";
      for (const chunk of self.chunks()) text += chunk;
      return text;
    },
    *chunks(maxLines = CHUNK_LINES) {
      // A copy of every job's figures first (records are replaced, never changed; counters are
      // copied): the pieces are made while probes go on, yet the page is one consistent moment.
      const snapshot = Array.from(jobs.values(), copyState);
      const durationRows = durations.copy();
      const icmpRttRows = icmpRtts.copy();
      const familyOut = new FamilyLines();
      let out: string[] = [];
      let header: [string, string] | undefined;
      // Lines go straight into `out` (no per-family array spread into it: with 10,000 ICMP
      // targets a family has 150,000 lines, beyond what a spread call can take); a family's
      // header is written with its first line, so a family with no series has none.
      const push = (line: string) => {
        if (header) {
          out.push(header[0], header[1]);
          header = undefined;
        }
        out.push(line);
      };
      const family = function* (
        name: string,
        type: string,
        help: string,
        emit: (s: JobSnapshot, push: (line: string) => void) => void,
      ): Generator<string> {
        header = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
        for (const s of snapshot) {
          emit(s, push);
          if (out.length >= maxLines) {
            yield out.join("\n") + "\n";
            out = [];
          }
        }
        header = undefined;
      };
      const histogram = (
        name: string,
        l: string,
        h: HistogramRows,
        slot: number,
        les: readonly string[],
        push: (x: string) => void,
      ) => {
        for (let i = 0; i < les.length; i++) {
          push(`${name}_bucket{${l},le="${les[i]}"} ${h.bucket(slot, i)}`);
        }
        const count = h.count(slot);
        push(`${name}_bucket{${l},le="+Inf"} ${count}`);
        push(`${name}_sum{${l}} ${formatValue(h.sum(slot))}`);
        push(`${name}_count{${l}} ${count}`);
      };
      // blackbox's families, then http/dns gauge families (all from each job's samples).
      for (const fam of familiesOf(snapshot.map((s) => s.last))) {
        const name = fam.name;
        yield* family(name, fam.type, fam.help, (s, p) => {
          familyOut.name = name;
          familyOut.labels = s.labels;
          familyOut.push = p;
          writeProbeSamples(s.last, familyOut);
        });
      }
      yield* family(
        "vmprober_probe_duration_seconds",
        "histogram",
        "Probe durations, in seconds.",
        (s, p) =>
          histogram(
            "vmprober_probe_duration_seconds",
            s.labels,
            durationRows,
            s.duration,
            bucketLes,
            p,
          ),
      );
      yield* family(
        "vmprober_probes_total",
        "counter",
        "Probe runs by result (success or failure reason).",
        (s, p) => {
          const r = s.results;
          for (let i = 0; i < r.length; i += 2) {
            p(`vmprober_probes_total{${s.labels},result="${r[i]}"} ${r[i + 1]}`);
          }
        },
      );
      yield* family(
        "vmprober_icmp_packets_sent_total",
        "counter",
        "ICMP echo requests sent.",
        (s, p) => {
          if (s.last.type === "icmp") {
            p(`vmprober_icmp_packets_sent_total{${s.labels}} ${s.icmpSent}`);
          }
        },
      );
      yield* family(
        "vmprober_icmp_packets_received_total",
        "counter",
        "ICMP echo replies received.",
        (s, p) => {
          if (s.last.type === "icmp") {
            p(
              `vmprober_icmp_packets_received_total{${s.labels}} ${s.icmpReceived}`,
            );
          }
        },
      );
      yield* family(
        "vmprober_icmp_loss_ratio",
        "gauge",
        "Share of echo requests of the last run without a reply.",
        (s, p) => {
          if (s.last.icmp) {
            p(
              `vmprober_icmp_loss_ratio{${s.labels}} ${formatValue(s.last.icmp.lossRatio)}`,
            );
          }
        },
      );
      yield* family(
        "vmprober_icmp_rtt_seconds",
        "gauge",
        "RTT statistics of the last ICMP run, in seconds.",
        (s, p) => {
          const i = s.last.icmp;
          if (!i || i.received === 0) return;
          for (
            const [stat, v] of [
              ["min", i.minSeconds],
              ["avg", i.avgSeconds],
              ["median", i.medianSeconds],
              ["max", i.maxSeconds],
              ["stddev", i.stddevSeconds],
            ] as const
          ) {
            p(`vmprober_icmp_rtt_seconds{${s.labels},stat="${stat}"} ${formatValue(v)}`);
          }
        },
      );
      yield* family(
        "vmprober_icmp_packet_rtt_seconds",
        "histogram",
        "Every ICMP round-trip time, in seconds.",
        (s, p) => {
          if (s.icmpRtt >= 0) {
            histogram(
              "vmprober_icmp_packet_rtt_seconds",
              s.labels,
              icmpRttRows,
              s.icmpRtt,
              icmpLes,
              p,
            );
          }
        },
      );
      if (out.length) yield out.join("\n") + "\n";
    },
  };
  return self;
}
