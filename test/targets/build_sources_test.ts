import assert from "node:assert/strict";
import { configSchema } from "../../src/config/schema.ts";
import {
  buildSources,
  FINGERPRINT_CHUNK,
  staticFingerprintSteps,
} from "../../src/targets/build_sources.ts";
import { countSteps } from "../_support/count_steps.ts";

const config = (targets: unknown[]) =>
  configSchema.parse({
    probes: { icmp: { type: "icmp" }, ssh: { type: "tcp", port: 22 } },
    targets,
  });

Deno.test("buildSources() names sources, resolves relative paths and keeps config order", () => {
  const sources = buildSources(
    config([
      {
        static: { targets: ["10.0.0.1"], labels: { role: "db" } },
        probes: ["icmp"],
        labels: { s: "1" },
      },
      { file: { paths: ["targets/*.yml", "/abs/x.json"], refresh: "30s" }, probes: ["icmp"] },
      {
        name: "cmdb",
        http: { url: "http://127.0.0.1:1/sd", bearer_token_file: "tok" },
        probes: ["ssh"],
      },
      { command: { run: ["./list.sh", "-a"], timeout: "2s" }, probes: ["ssh"] },
      { command: { run: ["list-targets"] }, probes: ["ssh"] },
    ]),
    { configDir: "/etc/vmprober" },
  );
  assert.deepEqual(sources.map((s) => [s.name, s.kind, s.refreshMs]), [
    ["static_0", "static", undefined],
    ["file_1", "file", 30_000],
    ["cmdb", "http", 60_000],
    ["command_3", "command", 60_000],
    ["command_4", "command", 60_000],
  ]);
  assert.deepEqual(sources[0]!.labels, { s: "1" });
  assert.ok(sources[1]!.fingerprint!.includes('"/etc/vmprober/targets/*.yml","/abs/x.json"'));
  assert.ok(sources[2]!.fingerprint!.includes('"/etc/vmprober/tok"'));
  assert.ok(sources[3]!.fingerprint!.includes('["/etc/vmprober/list.sh","-a"]'));
  assert.ok(sources[4]!.fingerprint!.includes('["list-targets"]'));
});

Deno.test("buildSources() gives equal fingerprints to equal entries and different ones otherwise", () => {
  const a = buildSources(config([{ file: { paths: ["t.json"] }, probes: ["icmp"] }]), {
    configDir: "/c",
  });
  const b = buildSources(config([{ file: { paths: ["t.json"] }, probes: ["icmp"] }]), {
    configDir: "/c",
  });
  const c = buildSources(config([{ file: { paths: ["t.json"] }, probes: ["ssh"] }]), {
    configDir: "/c",
  });
  assert.equal(a[0]!.fingerprint, b[0]!.fingerprint);
  assert.notEqual(a[0]!.fingerprint, c[0]!.fingerprint);
});

Deno.test("buildSources() rejects two sources with one name (the schema does too)", () => {
  const c = config([
    { name: "x", static: { targets: ["a"] }, probes: ["icmp"] },
    { name: "y", static: { targets: ["b"] }, probes: ["icmp"] },
  ]);
  c.targets[1]!.name = "x";
  assert.throws(() => buildSources(c, { configDir: "/c" }), {
    name: "TypeError",
    message: 'targets[1].name: duplicate source name "x" (also targets[0])',
  });
  assert.throws(
    () =>
      config([
        { name: "static_1", static: { targets: ["a"] }, probes: ["icmp"] },
        { static: { targets: ["b"] }, probes: ["icmp"] },
      ]),
    /duplicate source name .{0,2}static_1.{0,2} \(also targets\[0\]\)/,
  );
});

Deno.test("buildSources() static source loads its targets with the static labels as group labels", async () => {
  const [s] = buildSources(
    config([{
      static: { targets: ["10.0.0.1", "[::1]:22"], labels: { role: "db" } },
      probes: ["icmp"],
    }]),
    { configDir: "/c" },
  );
  assert.deepEqual(await s!.load(new AbortController().signal), [
    { targets: ["10.0.0.1", "[::1]:22"], labels: { role: "db" } },
  ]);
});

Deno.test("staticFingerprintSteps() fingerprints a long list in pieces: equal lists alike, others not", () => {
  const targets = (n: number, last = "x") =>
    Array.from({ length: n }, (_, i) => i === n - 1 ? last : `10.0.${i >> 8}.${i & 255}`);
  const entry = (list: string[], probes = ["icmp"]) =>
    config([{ static: { targets: list }, probes }]);
  const n = 20 * FINGERPRINT_CHUNK;
  const print = (c: ReturnType<typeof config>) => countSteps(staticFingerprintSteps(c.targets[0]!));
  const a = print(entry(targets(n)));
  assert.ok(a.yields >= 20, `${a.yields} yields`);
  assert.equal(buildSources(entry(targets(n)), { configDir: "/" })[0]!.fingerprint, a.value);
  assert.equal(print(entry(targets(n))).value, a.value);
  assert.notEqual(print(entry(targets(n, "y"))).value, a.value);
  assert.notEqual(print(entry(targets(n + 1))).value, a.value);
  assert.notEqual(print(entry(targets(n), ["ssh"])).value, a.value);
  // A short list: the entry's JSON, as ever.
  const short = entry(targets(3));
  assert.equal(print(short).value, JSON.stringify(["static", short.targets[0]]));
});
