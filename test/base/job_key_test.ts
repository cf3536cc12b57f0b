import assert from "node:assert/strict";
import { jobKey } from "../../src/base/job_key.ts";
import { buildJobs } from "../../src/schedule/job.ts";
import { targetsView } from "../../src/http/targets_view.ts";
import { createLastResults } from "../../src/results/last_results.ts";
import { parseConfig } from "../../src/config/parse.ts";

Deno.test("jobKey() joins probe module and target", () => {
  assert.equal(jobKey("tcp_ssh", "[2001:db8::1]:22"), "tcp_ssh|[2001:db8::1]:22");
});

Deno.test("jobKey() of a built job finds its last result in the targets view", () => {
  const config = parseConfig("probes:\n  tcp_ssh: { type: tcp, port: 22 }\n", "c.yaml");
  const target = { address: "10.0.0.1", labels: {}, probes: ["tcp_ssh"], sources: ["static/0"] };
  const { jobs } = buildJobs([target], config);
  assert.equal(jobs[0]!.key, jobKey("tcp_ssh", "10.0.0.1"));
  const last = createLastResults();
  last.write([{
    key: jobs[0]!.key,
    timestampMs: 0,
    target: "10.0.0.1",
    probe: "tcp_ssh",
    type: "tcp",
    labels: {},
    success: true,
    durationSeconds: 0.5,
    attempts: 1,
  }]);
  assert.equal(targetsView([target], last)[0]!.probes[0]!.last_result?.duration_seconds, 0.5);
});
