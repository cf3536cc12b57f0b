import assert from "node:assert/strict";
import { MAX_PROBLEMS, parseConfig } from "../../src/config/parse.ts";
import { ConfigError } from "../../src/config/config_error.ts";
import { PROBE, problems } from "../_support/config_problems.ts";
import { walDir, walSettings } from "../../src/config/wal_schema.ts";
import { pushDestinations } from "../../src/config/push_schema.ts";

Deno.test("parseConfig() fills defaults and turns durations into ms and sizes into bytes", () => {
  const c = parseConfig(
    `${PROBE}defaults: {interval: 1m30s}\nwal: {max_size: 2GiB, segment_size: 1048576}\n`,
    "c.yaml",
  );
  assert.equal(c.agent.listen, "127.0.0.1:9109");
  assert.deepEqual(c.agent.log, { level: "info", format: "json" });
  assert.deepEqual(c.defaults, {
    interval: 90_000,
    timeout: 5_000,
    retries: 0,
    jitter: 1,
    ip_protocol: "auto",
  });
  assert.equal(c.wal?.max_size, 2 * 1024 ** 3);
  assert.equal(c.wal?.segment_size, 1024 ** 2);
  assert.deepEqual(c.targets, []);
  assert.equal(c.push, undefined);
});

Deno.test("parseConfig() reads a bare number as seconds and label values as text", () => {
  const c = parseConfig(
    `${PROBE}defaults: {timeout: 2.5}\nagent: {labels: {rack: 7, up: true}}\n`,
    "c",
  );
  assert.equal(c.defaults.timeout, 2_500);
  assert.deepEqual(c.agent.labels, { rack: "7", up: "true" });
});

Deno.test("parseConfig() expands anchors, aliases and merge keys", () => {
  const c = parseConfig(
    [
      "probes:",
      "  a: &base {type: tcp, port: 22, timeout: 1s}",
      "  b: {<<: *base, port: 2222}",
      "targets:",
      "  - static: {targets: [h1], labels: &l {role: db}}",
      "    probes: [a, b]",
      "  - static: {targets: [h2], labels: *l}",
      "    probes: [a]",
      "",
    ].join("\n"),
    "c.yaml",
  );
  assert.deepEqual(c.probes.b, { type: "tcp", port: 2222, timeout: 1000 });
  assert.deepEqual(c.targets[1]!.static!.labels, { role: "db" });
});

Deno.test("parseConfig() accepts an anchor used a thousand times", () => {
  const entries = Array.from(
    { length: 1000 },
    (_, i) => `  - {static: {targets: [h${i}]}, probes: *p}`,
  );
  const c = parseConfig(
    `${PROBE}targets:\n  - {static: {targets: [h]}, probes: &p [x]}\n${entries.join("\n")}\n`,
    "c.yaml",
  );
  assert.equal(c.targets.length, 1001);
  assert.deepEqual(c.targets[1000]!.probes, ["x"]);
});

Deno.test("parseConfig() suggests the closest key for a typo, and none for a stranger", () => {
  assert.deepEqual(problems(`${PROBE}limits: {concurency: 5, zzz: 1}\n`), [
    'c.yaml:3:10: limits.concurency: unknown key "concurency" (did you mean "concurrency"?)',
    'c.yaml:3:25: limits.zzz: unknown key "zzz"',
  ]);
  assert.deepEqual(problems("probes:\n  i: {type: icmp, cuont: 3}\n"), [
    'c.yaml:2:19: probes.i.cuont: unknown key "cuont" (did you mean "count"?)',
  ]);
  assert.deepEqual(
    problems(`${PROBE}targets:\n  - static: {targets: [a], lables: {}}\n    probes: [x]\n`),
    [
      'c.yaml:4:28: targets.0.static.lables: unknown key "lables" (did you mean "labels"?)',
    ],
  );
});

Deno.test("parseConfig() points a missing key at the key of the mapping that lacks it", () => {
  assert.deepEqual(problems(`${PROBE}targets:\n  - static: {}\n    probes: [x]\n`), [
    "c.yaml:4:5: targets.0.static.targets: required key missing: expected a list",
  ]);
  assert.deepEqual(problems(`${PROBE}push: {timeout: 5s}\n`), [
    "c.yaml:3:1: push.url: required key missing: expected an http:// or https:// URL",
  ]);
});

Deno.test("parseConfig() points an empty value at its key", () => {
  assert.deepEqual(problems(`${PROBE}agent:\n`), [
    "c.yaml:3:1: agent: expected a mapping, got nothing",
  ]);
});

Deno.test("parseConfig() sorts problems by position and reports at most MAX_PROBLEMS", () => {
  const many = Array.from({ length: 30 }, (_, i) => `  p${i}: {type: tcp, port: 0}`).join("\n");
  const lines = problems(`probes:\n${many}\n`);
  assert.equal(lines.length, MAX_PROBLEMS);
  assert.equal(lines[0], "c.yaml:2:25: probes.p0.port: expected a port number 1-65535, got 0");
  assert.equal(
    lines.at(-1),
    "c.yaml:21:26: probes.p19.port: expected a port number 1-65535, got 0",
  );
});

Deno.test("parseConfig() rejects non-scalar keys without a runtime warning", () => {
  assert.deepEqual(problems(`? [a, b]\n: 1\n${PROBE}`), [
    "c.yaml:1:3: expected a plain key, got a list",
  ]);
});

Deno.test("parseConfig() reports wrong types with what was found", () => {
  assert.deepEqual(problems("probes:\n  x: tcp\n"), [
    'c.yaml:2:6: probes.x: expected a mapping, got "tcp"',
  ]);
  assert.deepEqual(problems("probes:\n  x: !!binary aGk=\n"), [
    "c.yaml:2:15: probes.x: expected a mapping with type: tcp|udp|icmp|http|dns|path, got binary data",
  ]);
  assert.deepEqual(problems(`${PROBE}targets: {static: {}}\n`), [
    "c.yaml:3:10: targets: expected a list, got a mapping",
  ]);
  assert.deepEqual(problems(`${PROBE}agent: {log: {level: loud}}\n`), [
    'c.yaml:3:22: agent.log.level: expected one of debug, info, warning, error, got "loud"',
  ]);
  assert.deepEqual(problems(`${PROBE}push: {url: "ftp://vm.example/write"}\n`), [
    'c.yaml:3:13: push.url: expected an http:// or https:// URL, got "ftp://vm.example/write"',
  ]);
  assert.deepEqual(problems('probes:\n  x: {type: tcp, expect: "(ssh"}\n'), [
    'c.yaml:2:26: probes.x.expect: expected an RE2 regular expression, got "(ssh" (missing closing ): `(ssh`)',
  ]);
  assert.deepEqual(problems('probes:\n  x: {type: udp, port: 53, expect: "(a)\\\\1"}\n'), [
    'c.yaml:2:36: probes.x.expect: expected an RE2 regular expression, got "(a)\\\\1" (invalid escape sequence: `\\1`; RE2 has no backreferences)',
  ]);
  assert.deepEqual(problems(`${PROBE}metrics: {buckets: [1, 0.5]}\n`), [
    "c.yaml:3:20: metrics.buckets: expected increasing bucket bounds, got [1,0.5]",
  ]);
});

Deno.test("parseConfig() gives push Prometheus' backoff defaults (30ms, 5s) and 1m metadata", () => {
  const c = pushDestinations(
    parseConfig(`${PROBE}push: {url: "http://vm:8428/api/v1/write"}\n`, "c.yaml").push,
  )[0];
  assert.equal(c?.min_backoff, 30);
  assert.equal(c?.max_backoff, 5_000);
  assert.equal(c?.metadata_interval, 60_000);
  const [set] = pushDestinations(
    parseConfig(
      `${PROBE}push: {url: "http://vm/w", max_backoff: 1m, metadata_interval: 0s}\n`,
      "c.yaml",
    ).push,
  );
  assert.equal(set?.max_backoff, 60_000);
  assert.equal(set?.metadata_interval, 0);
});

Deno.test("parseConfig() locates a merge key whose value is not a mapping (found by the fuzzer)", () => {
  for (
    const [text, where] of [
      ["probes:\n  a: {type: tcp}\n  b:\n    <<: 5\n", "4:5"],
      ["probes:\n  a: &x [1]\n  b:\n    <<: *x\n", "4:5"],
      ["probes:\n  b:\n    <<: [{type: tcp}, 3]\n", "3:5"],
    ]
  ) {
    assert.throws(
      () => parseConfig(text!, "f.yaml"),
      (e) =>
        e instanceof ConfigError &&
        e.message ===
          `f.yaml:${where}: probes.b.<<: expected a mapping or an alias of one after <<, got another value`,
    );
  }
});

Deno.test("walSettings() is null without push: and wal:, the defaults with push:, the section when written", () => {
  assert.equal(walSettings(parseConfig(PROBE, "a.yaml")), null);
  const pushed = parseConfig(
    `${PROBE}push: {url: "http://127.0.0.1:8428/api/v1/write"}\n`,
    "b.yaml",
  );
  assert.equal(walSettings(pushed)?.dir, "data/wal");
  assert.equal(walSettings(pushed)?.max_size, 1024 ** 3);
  assert.equal(walSettings(parseConfig(`${PROBE}wal: {}\n`, "c.yaml"))?.fsync, "batch");
  assert.equal(walDir(parseConfig(PROBE, "d.yaml")), "data/wal");
});
