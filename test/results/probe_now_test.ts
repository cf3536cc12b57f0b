import assert from "node:assert/strict";
import { probeNow } from "../../src/results/probe_now.ts";
import { parseConfig } from "../../src/config/parse.ts";
import type { ProbeLookup } from "../../src/probes/registry.ts";
import { systemClock } from "../../src/base/clock.ts";

const config = parseConfig(
  `agent: {labels: {site: fra1}}
probes:
  tcp: {type: tcp, timeout: 3s}
  named: {type: tcp, port: 22, job: ssh_check}
`,
  "t.yaml",
);

function lookup(seen: { timeoutMs: number; target: string }[]): ProbeLookup {
  return {
    get: (type) => ({
      type,
      run: (job) => {
        seen.push({ timeoutMs: job.timeoutMs, target: job.target });
        return Promise.resolve({ success: true, durationSeconds: 0.001 });
      },
    }),
  };
}

Deno.test("probeNow() runs configured modules only, with the module's timeout capped by the scrape's", async () => {
  const seen: { timeoutMs: number; target: string }[] = [];
  const deps = { config: () => config, probes: lookup(seen), clock: systemClock };
  const signal = new AbortController().signal;
  const unknown = await probeNow(deps, { target: "x:1", module: "toString", signal });
  assert.deepEqual(unknown, {
    ok: false,
    error: 'Unknown module "toString" (configured: tcp, named)',
  });
  const noPort = await probeNow(deps, { target: "127.0.0.1", module: "tcp", signal });
  assert.deepEqual(noPort, {
    ok: false,
    error:
      'Bad target "127.0.0.1": target "127.0.0.1" has no port and probe module "tcp" sets none',
  });
  const bad = await probeNow(deps, { target: "1.2.3.256:22", module: "tcp", signal });
  assert.equal(bad.ok, false);
  const capped = await probeNow(deps, {
    target: "127.0.0.1:22",
    module: "tcp",
    timeoutCapMs: 1500,
    signal,
  });
  assert.ok(capped.ok);
  assert.equal(capped.timeoutMs, 1500);
  const uncapped = await probeNow(deps, {
    target: "127.0.0.1:22",
    module: "tcp",
    timeoutCapMs: 9500,
    signal,
  });
  assert.ok(uncapped.ok);
  assert.equal(uncapped.timeoutMs, 3000);
  assert.equal(uncapped.record.job, "tcp");
  assert.deepEqual(uncapped.record.labels, { site: "fra1" });
  const named = await probeNow(deps, { target: "127.0.0.1", module: "named", signal });
  assert.ok(named.ok);
  assert.equal(named.record.job, "ssh_check");
  assert.deepEqual(seen.map((s) => s.timeoutMs), [1500, 3000, 5000]);
});
