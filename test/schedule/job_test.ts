import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { buildJobs } from "../../src/schedule/job.ts";
import { buildSources } from "../../src/targets/build_sources.ts";
import { mergeTargets } from "../../src/targets/merge.ts";

const config = parseConfig(
  `agent: {labels: {site: fra1}}
probes:
  tcp_connect: {type: tcp}
  icmp: {type: icmp, job: blackbox_icmp}
targets:
  - static: {targets: ["10.0.0.1:22", "10.0.0.2"]}
    probes: [tcp_connect, icmp]
  - name: dbs
    job: databases
    static: {targets: ["10.0.0.3:5432"], labels: {role: db}}
    probes: [tcp_connect, icmp]
`,
  "t.yaml",
);

Deno.test("buildJobs() job label: the source's job, else the module's, else the module name; never a label", async () => {
  const perSource = await Promise.all(
    buildSources(config, { configDir: "/" }).map(async (source) => ({
      source,
      groups: await source.load(new AbortController().signal),
    })),
  );
  const { jobs, rejected } = buildJobs(mergeTargets(perSource), config);
  assert.deepEqual(
    jobs.map((j) => [j.key, j.jobName, j.labels]),
    [
      ["tcp_connect|10.0.0.1:22", "tcp_connect", { site: "fra1" }],
      ["icmp|10.0.0.1:22", "blackbox_icmp", { site: "fra1" }],
      ["icmp|10.0.0.2", "blackbox_icmp", { site: "fra1" }],
      ["tcp_connect|10.0.0.3:5432", "databases", { site: "fra1", role: "db" }],
      ["icmp|10.0.0.3:5432", "databases", { site: "fra1", role: "db" }],
    ],
  );
  assert.deepEqual(rejected.map((r) => [r.target, r.probe, r.reason]), [
    ["10.0.0.2", "tcp_connect", "no_port"],
  ]);
});
