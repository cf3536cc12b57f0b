import assert from "node:assert/strict";
import { buildJobs } from "../../src/schedule/job.ts";
import { parseConfig } from "../../src/config/parse.ts";

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
