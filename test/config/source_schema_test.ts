import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { MAX_STATIC_TARGETS } from "../../src/config/source_schema.ts";
import { PROBE, problems } from "../_support/config_problems.ts";

Deno.test("parseConfig() accepts one entry of each source kind", () => {
  const c = parseConfig(
    `${PROBE}targets:
  - static: {targets: ["10.0.0.1", "web.example:8080"], labels: {site: a}}
    probes: [x]
  - file: {paths: [/etc/sd/*.json], refresh: 1m}
    name: files
    probes: [x]
  - http: {url: "https://sd.example/targets", timeout: 5s, max_bytes: 1MiB, max_targets: 10}
    job: sd
    probes: [x]
  - command: {run: [/usr/bin/list-targets, --json], refresh: 30s}
    labels: {from: cmd}
    probes: [x]
`,
    "c.yaml",
  );
  assert.deepEqual(
    c.targets.map((t) => (["static", "file", "http", "command"] as const).find((k) => t[k])),
    ["static", "file", "http", "command"],
  );
  assert.equal(c.targets[1]?.file?.refresh, 60_000);
  assert.equal(c.targets[2]?.http?.max_bytes, 1024 ** 2);
});

Deno.test("parseConfig() names file:line:col for every bad source key and kind", () => {
  assert.deepEqual(
    problems(`${PROBE}targets:
  - static: {targets: ["a b"], labels: {"1x": y}}
    probes: [x]
  - file: {paths: [], refresh: 0}
    probes: [x]
  - http: {url: "ftp://x", max_targets: 0, max_bytes: lots}
    probes: []
  - command: {run: []}
    static: {targets: []}
    probes: [x]
  - bogus: 1
    probes: [x]
  - probes: [x]
`),
    [
      'c.yaml:4:24: targets.0.static.targets.0: expected a target address like "host", "host:port" or "[::1]:22", got "a b" (expected an IP address or a DNS name)',
      'c.yaml:4:41: targets.0.static.labels.1x: expected a label name like "site" ([a-zA-Z_][a-zA-Z0-9_]*), got "1x"',
      "c.yaml:6:19: targets.1.file.paths: expected at least 1 item, got 0",
      'c.yaml:6:32: targets.1.file.refresh: expected a positive duration like "5s", got 0',
      'c.yaml:8:17: targets.2.http.url: expected an http:// or https:// URL, got "ftp://x"',
      "c.yaml:8:41: targets.2.http.max_targets: expected a number > 0, got 0",
      'c.yaml:8:55: targets.2.http.max_bytes: expected a size like "64MiB", got "lots"',
      "c.yaml:9:13: targets.2.probes: expected at least 1 item, got 0",
      "c.yaml:11:5: targets.3.static: expected one source kind per entry: static, file, http or command, got command and static",
      'c.yaml:13:5: targets.4.bogus: unknown source kind "bogus", expected one source kind per entry: static, file, http or command',
      "c.yaml:15:5: targets.5: expected one source kind per entry: static, file, http or command, got none",
    ],
  );
});

Deno.test("parseConfig() names duplicate source names and probes no module defines", () => {
  assert.deepEqual(
    problems(`${PROBE}targets:
  - {name: same, static: {targets: []}, probes: [x, nope]}
  - {name: same, static: {targets: []}, probes: [x]}
  - {static: {targets: []}, probes: [x]}
  - {name: static_2, static: {targets: []}, probes: [x]}
`),
    [
      'c.yaml:4:53: targets.0.probes.1: expected a probe module defined under probes (x), got "nope"',
      'c.yaml:5:12: targets.1.name: duplicate source name "same" (also targets[0])',
      'c.yaml:7:12: targets.3.name: duplicate source name "static_2" (also targets[2])',
    ],
  );
});

Deno.test("parseConfig() rejects a static list of more than MAX_STATIC_TARGETS targets", () => {
  const list = (n: number) =>
    `[${Array.from({ length: n }, (_, i) => `"10.0.${i >> 8 & 255}.${i & 255}"`)}]`;
  const text = (n: number) =>
    `${PROBE}targets:\n  - {static: {targets: ${list(n)}}, probes: [x]}\n`;
  assert.deepEqual(problems(text(MAX_STATIC_TARGETS + 1)), [
    `c.yaml:4:24: targets.0.static.targets: expected at most ${MAX_STATIC_TARGETS} items, got ${
      MAX_STATIC_TARGETS + 1
    }`,
  ]);
});
