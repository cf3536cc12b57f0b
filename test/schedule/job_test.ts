import assert from "node:assert/strict";
import { buildJobs } from "../../src/schedule/job.ts";
import { parseConfig } from "../../src/config/parse.ts";
import { buildSources } from "../../src/targets/build_sources.ts";
import { mergeTargets } from "../../src/targets/merge.ts";

const config = parseConfig(
  "probes:\n  web: {type: http}\n  tcp: {type: tcp, port: 22}\n  dns: {type: dns, query_name: example.com}\n",
  "c.yaml",
);
const target = (address: string, probes: string[]) => ({
  address,
  labels: {},
  probes,
  sources: ["file_0"],
});

Deno.test("buildJobs() takes host and port from a URL target for http modules only", () => {
  const { jobs, rejected } = buildJobs([
    target("https://web.example/health", ["web", "tcp"]),
    target("http://[::1]:8080/", ["web"]),
  ], config);
  assert.deepEqual(
    jobs.map((j) => [j.key, j.job.host, j.job.port]),
    [["web|https://web.example/health", "web.example", 443], [
      "web|http://[::1]:8080/",
      "::1",
      8080,
    ]],
  );
  assert.deepEqual(rejected, [{
    target: "https://web.example/health",
    probe: "tcp",
    reason: "bad_address",
    detail: 'a URL target fits only type http probe modules, not "tcp" (tcp)',
  }]);
});

Deno.test("buildJobs() defaults http targets to port 80 and dns targets to port 53", () => {
  const { jobs, rejected } = buildJobs([
    target("web.example", ["web"]),
    target("10.0.0.53", ["dns"]),
  ], config);
  assert.deepEqual(rejected, []);
  assert.deepEqual(jobs.map((j) => j.job.port), [80, 53]);
});

const jobConfig = parseConfig(
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
    buildSources(jobConfig, { configDir: "/" }).map(async (source) => ({
      source,
      groups: await source.load(new AbortController().signal),
    })),
  );
  const { jobs, rejected } = buildJobs(mergeTargets(perSource), jobConfig);
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

Deno.test("buildJobs() turns ip_protocol both into one job per family, told apart by ip_version", () => {
  const c = parseConfig(
    `probes:
  ping: {type: icmp, ip_protocol: both}
  ssh: {type: tcp, port: 22}
`,
    "c.yaml",
  );
  const { jobs } = buildJobs([
    { address: "dual.example", labels: { site: "a" }, probes: ["ping", "ssh"], sources: [] },
  ], c);
  assert.deepEqual(
    jobs.map((j) => [j.key, j.job.ipProtocol, j.labels]),
    [
      ["ping|dual.example", "ip4", { site: "a", ip_version: "4" }],
      ["ping|dual.example|ip6", "ip6", { site: "a", ip_version: "6" }],
      ["ssh|dual.example", "auto", { site: "a" }],
    ],
  );
  assert.notEqual(jobs[0]!.version, jobs[1]!.version);
  const all = parseConfig(
    `defaults: {ip_protocol: both}\n${"probes:\n  ssh: {type: tcp, port: 22}\n"}`,
    "c.yaml",
  );
  assert.deepEqual(
    buildJobs([{ address: "h", labels: {}, probes: ["ssh"], sources: [] }], all).jobs.map((j) =>
      j.labels.ip_version
    ),
    ["4", "6"],
  );
});

Deno.test("buildJobs() shares labels and version text among targets sharing a labels object", () => {
  const shared = { rack: "r1" };
  const t = (address: string, labels: Record<string, string>) => ({
    address,
    labels,
    probes: ["tcp"],
    sources: ["file_0"],
  });
  const { jobs } = buildJobs([
    t("a:1", shared),
    t("b:1", shared),
    t("c:2", shared),
    t("d:1", { rack: "r1" }),
  ], config);
  const [a, b, c, d] = jobs;
  assert.equal(a!.labels, b!.labels);
  assert.equal(a!.labels, c!.labels);
  assert.equal(a!.version, b!.version);
  // Another port, another version; the same content from another object, the same version.
  assert.notEqual(a!.version, c!.version);
  assert.equal(a!.version, d!.version);
  assert.deepEqual(jobs.map((j) => [j.key, j.job.port, j.labels]), [
    ["tcp|a:1", 1, { rack: "r1" }],
    ["tcp|b:1", 1, { rack: "r1" }],
    ["tcp|c:2", 2, { rack: "r1" }],
    ["tcp|d:1", 1, { rack: "r1" }],
  ]);
});

Deno.test("buildJobs() gives a path module a job for a target without a port, and keeps a target's port", async () => {
  const c = parseConfig(
    `probes:
  mtr: {type: path}
  mtr_tcp: {type: path, protocol: tcp}
targets:
  - static: {targets: ["10.0.0.1", "10.0.0.2:443"]}
    probes: [mtr, mtr_tcp]
`,
    "t.yaml",
  );
  const perSource = await Promise.all(
    buildSources(c, { configDir: "/" }).map(async (source) => ({
      source,
      groups: await source.load(new AbortController().signal),
    })),
  );
  const { jobs, rejected } = buildJobs(mergeTargets(perSource), c);
  assert.deepEqual(rejected, []);
  assert.deepEqual(jobs.map((j) => [j.key, j.job.port]), [
    ["mtr|10.0.0.1", undefined],
    ["mtr_tcp|10.0.0.1", undefined],
    ["mtr|10.0.0.2:443", 443],
    ["mtr_tcp|10.0.0.2:443", 443],
  ]);
});

Deno.test("buildJobs() makes each job definition its own probe job: one object, no cycle", () => {
  const { jobs } = buildJobs(
    [target("10.0.0.1:22", ["ssh"])],
    parseConfig(
      "probes:\n  ssh: {type: tcp, timeout: 2s}\n",
      "c.yaml",
    ),
  );
  const def = jobs[0]!;
  assert.equal(def.job, def);
  const { target: address, host, port, probe, type, timeoutMs, ipProtocol } = def.job;
  assert.deepEqual([address, host, port, probe, type, timeoutMs, ipProtocol], [
    "10.0.0.1:22",
    "10.0.0.1",
    22,
    "ssh",
    "tcp",
    2000,
    "auto",
  ]);
  assert.equal(def.job.options.type, "tcp");
  // What /probe and the status page may serialise: no circular reference.
  assert.equal(JSON.parse(JSON.stringify(def.job)).key, "ssh|10.0.0.1:22");
});
