import assert from "node:assert/strict";
import { createTcpProbe } from "../../src/probes/tcp.ts";
import type { ProbeJob } from "../../src/schedule/job.ts";
import { createNetnsLab } from "../_support/netns_lab.ts";

Deno.test("TCP probe: a connect whose SYN is dropped ends as timeout at the job's timeout", async () => {
  await using lab = await createNetnsLab();
  await lab.exec([
    "nft",
    "add table inet vmp; add chain inet vmp in { type filter hook input priority 0; }; " +
    "add rule inet vmp in tcp dport 9 drop",
  ]);
  const job: ProbeJob<"tcp"> = {
    target: `${lab.ip4}:9`,
    host: lab.ip4,
    port: 9,
    probe: "tcp",
    type: "tcp",
    timeoutMs: 400,
    ipProtocol: "ip4",
    options: { type: "tcp" },
  };
  const r = await createTcpProbe().run(job, new AbortController().signal);
  assert.deepEqual([r.success, r.reason, r.detail], [false, "timeout", "probe timed out"]);
  assert.ok(r.durationSeconds >= 0.39 && r.durationSeconds < 0.9, `${r.durationSeconds} s`);
});
