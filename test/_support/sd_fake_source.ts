/** @module A target source a test scripts: what each load returns or throws, and a watch hook. */
import type { TargetGroup, TargetSource } from "../../src/targets/types.ts";

/** A scripted source; set `next` before a load, call `notify()` to simulate a file change. */
export interface FakeSource extends TargetSource {
  next: TargetGroup[] | Error;
  loads: number;
  notify(): void;
}

/** Creates a scripted source. */
export function fakeSource(
  name: string,
  next: TargetGroup[] | Error,
  extra: Partial<Pick<TargetSource, "probes" | "labels" | "refreshMs" | "fingerprint">> = {},
): FakeSource {
  let onChange: (() => void) | undefined;
  const source: FakeSource = {
    name,
    kind: "fake",
    probes: extra.probes ?? ["icmp"],
    labels: extra.labels ?? {},
    refreshMs: extra.refreshMs,
    fingerprint: extra.fingerprint ?? name,
    next,
    loads: 0,
    load() {
      source.loads++;
      const n = source.next;
      return n instanceof Error ? Promise.reject(n) : Promise.resolve(structuredClone(n));
    },
    watch(cb, signal) {
      onChange = cb;
      signal.addEventListener("abort", () => (onChange = undefined), { once: true });
    },
    notify: () => onChange?.(),
  };
  return source;
}
