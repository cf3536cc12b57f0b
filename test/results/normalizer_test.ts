import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import { createNormalizer, type JobIdentity } from "../../src/results/normalizer.ts";
import type { ResultRecord } from "../../src/results/types.ts";

const job: JobIdentity = {
  key: "ssh|127.0.0.1:22",
  target: "127.0.0.1:22",
  probe: "ssh",
  type: "tcp",
  labels: {},
};
const ok = { success: true, durationSeconds: 0.001, attempts: 1 };

async function lines(registry: Registry, name: string): Promise<string[]> {
  return (await registry.metrics()).split("\n").filter((l) => l.startsWith(`${name}{`));
}

Deno.test("createNormalizer() counts exact duplicates it drops", async () => {
  const registry = new Registry();
  const out: ResultRecord[] = [];
  const normalizer = createNormalizer({ live: { write: (r) => out.push(...r) } }, { registry });
  assert.deepEqual(await lines(registry, "vmprober_results_dropped_total"), [
    'vmprober_results_dropped_total{reason="duplicate"} 0',
  ]);
  normalizer.accept(job, ok, 1000);
  normalizer.accept(job, ok, 1000);
  normalizer.accept(job, ok, 1001);
  assert.equal(out.length, 2);
  assert.equal(normalizer.duplicates, 1);
  assert.deepEqual(await lines(registry, "vmprober_results_dropped_total"), [
    'vmprober_results_dropped_total{reason="duplicate"} 1',
  ]);
});

Deno.test("createNormalizer() counts each failed sink write by sink; the other sinks still get it", async () => {
  const registry = new Registry();
  const out: ResultRecord[] = [];
  let failing = true;
  const normalizer = createNormalizer({
    wal: {
      write: () => {
        if (failing) throw new Error("disk on fire");
      },
    },
    live: { write: (r) => out.push(...r) },
  }, { registry });
  normalizer.accept(job, ok, 1);
  normalizer.accept(job, ok, 2);
  failing = false;
  normalizer.accept(job, ok, 3);
  assert.equal(out.length, 3);
  assert.deepEqual(await lines(registry, "vmprober_sink_records_dropped_total"), [
    'vmprober_sink_records_dropped_total{sink="wal",reason="error"} 2',
    'vmprober_sink_records_dropped_total{sink="live",reason="error"} 0',
  ]);
});
