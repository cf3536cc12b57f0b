/**
 * @module The series each job's last result had, to end the ones its next result lacks (no
 * reply: no RTT; no address: no IP protocol) with a stale marker, as a series missing from a
 * scrape ends in Prometheus. Series ids are made only when two lists differ.
 */
import type { ProbeSample } from "./probe_samples.ts";

/** Remembers each job's last samples. */
export interface EndedSeries {
  /**
   * Remembers `list` as job `key`'s samples; returns the samples of its previous list whose
   * series `list` lacks (each series once; none the first time or when the series are the same).
   * Only the series (names, label lists) of a returned sample are meaningful, not its value.
   * With `reusedLists`, `list` is read now and copied when kept (its caller reuses it).
   */
  update(key: string, list: readonly ProbeSample[]): readonly ProbeSample[];
  /** Forgets job `key` (it has ended). */
  forget(key: string): void;
}

const NONE: readonly ProbeSample[] = [];

/** Same series as the previous list, by name and label-list identity (the common case). */
function sameSeries(a: readonly ProbeSample[], b: readonly ProbeSample[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.name !== b[i]!.name || a[i]!.labels !== b[i]!.labels) return false;
  }
  return true;
}

/** Options of {@linkcode createEndedSeries}. */
export interface EndedSeriesOptions {
  /** The caller reuses each list and its samples after `update()`: a kept list is a copy. */
  reusedLists?: boolean;
}

/** A fresh memory of no job. */
export function createEndedSeries(options: EndedSeriesOptions = {}): EndedSeries {
  const copy = (list: readonly ProbeSample[]): readonly ProbeSample[] =>
    options.reusedLists
      ? list.map(({ name, labels, value }) =>
        labels === undefined ? { name, value } : { name, labels, value }
      )
      : list;
  const labelIds = new WeakMap<object, string>();
  const idOf = (s: ProbeSample) => {
    if (!s.labels?.length) return s.name;
    let json = labelIds.get(s.labels);
    if (json === undefined) labelIds.set(s.labels, json = JSON.stringify(s.labels));
    return `${s.name}\u0000${json}`;
  };
  const lastSeries = new Map<string, readonly ProbeSample[]>();
  /**
   * One list per set of series, shared by every job with those series: only names and label
   * lists are read from a kept list, never values, so 10,000 ICMP jobs keep one or two lists of
   * ~16 samples between them, not one each (~8 MB of heap). Bounded like the label caches.
   */
  const shapes = new Map<string, readonly ProbeSample[]>();
  const shared = (list: readonly ProbeSample[]): readonly ProbeSample[] => {
    let id = "";
    for (const s of list) id += idOf(s) + "\u0001";
    const known = shapes.get(id);
    if (known) return known;
    if (shapes.size >= 10_000) shapes.clear();
    const kept = copy(list);
    shapes.set(id, kept);
    return kept;
  };
  return {
    update(key, list) {
      const before = lastSeries.get(key);
      // Same series: the list kept is as good as the new one, so it stays and the new one dies
      // young, not promoted and dropped in the old generation a run later.
      if (before && sameSeries(before, list)) return NONE;
      lastSeries.set(key, shared(list));
      if (!before) return NONE;
      const now = new Set(list.map(idOf));
      const ended = new Set<string>();
      const out: ProbeSample[] = [];
      for (const x of before) {
        const id = idOf(x);
        if (!now.has(id) && !ended.has(id)) {
          ended.add(id);
          out.push(x);
        }
      }
      return out;
    },
    forget(key) {
      lastSeries.delete(key);
    },
  };
}
