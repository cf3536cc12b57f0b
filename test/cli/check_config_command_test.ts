import assert from "node:assert/strict";
import { inBatches, ROOT, runCli } from "./_cli.ts";
import { tempDirUntilExit } from "../_support/temp_dir.ts";

/** One malformed config: its bytes (or how to make the path) and the exact stderr lines. */
interface Case {
  name: string;
  text?: string | Uint8Array;
  /** Makes the config path inside `dir` instead of writing `text`. */
  make?: (dir: string) => Promise<string>;
  expect: string[];
}

const PROBE = "probes:\n  x: {type: tcp}\n";
const BOMB = ["a: &a [x,x,x,x,x,x,x,x,x]"].concat(
  ["b", "c", "d", "e", "f", "g", "h", "i"].map((k, i) => {
    const prev = "abcdefgh"[i];
    return `${k}: &${k} [${Array(9).fill(`*${prev}`).join(",")}]`;
  }),
).join("\n") + "\n";
const STATIC = (list: string) =>
  `${PROBE}targets:\n  - static: {targets: [${list}]}\n    probes: [x]\n`;
const ADDRESS = 'expected a target address like "host", "host:port" or "[::1]:22"';
const OWN = "expected a label name not used by VMProber's own series";
const SERIES = "it labels histogram buckets, ICMP phases and statistics, results or TLS details";
const KINDS = "expected one source kind per entry: static, file, http or command";

/** The README table: each malformed config and the exact error (FILE is the config path). */
export const CASES: Case[] = [
  {
    name: "bad YAML: unclosed flow mapping",
    text: "probes: {tcp: {type: tcp\n",
    expect: ["FILE:1:9: invalid YAML: expected a closing } for this mapping, got none"],
  },
  {
    name: "bad YAML: under-indented flow continuation",
    text: "probes: {x: {type: tcp},\ny: {type: udp}}\n",
    expect: [
      "FILE:2:1: invalid YAML: flow map in block collection must be sufficiently indented and end with a }",
    ],
  },
  {
    name: "bad YAML: unterminated quote",
    text: 'probes:\n  x: {type: tcp, expect: "^SSH}\n',
    expect: ['FILE:2:26: invalid YAML: expected a closing " for this string, got none'],
  },
  {
    name: "tab indentation",
    text: "probes:\n\ttcp: {type: tcp}\n",
    expect: ["FILE:2:1: expected spaces for indentation, got a tab"],
  },
  {
    name: "duplicate key",
    text: "probes:\n  tcp: {type: tcp}\n  tcp: {type: udp}\n",
    expect: ["FILE:3:3: probes.tcp: duplicate key: expected each key once per mapping"],
  },
  {
    name: "two YAML documents",
    text: `${PROBE}---\n${PROBE}`,
    expect: ["FILE:3:1: expected one YAML document, got a second one (a `---` line)"],
  },
  {
    name: "wrong type: port as a string",
    text: 'probes:\n  tcp_ssh: {type: tcp, port: "22"}\n',
    expect: ['FILE:2:30: probes.tcp_ssh.port: expected a port number 1-65535, got "22"'],
  },
  {
    name: "wrong type: probes as a list",
    text: "probes: [tcp]\n",
    expect: ["FILE:1:9: probes: expected a mapping, got a list"],
  },
  {
    name: "wrong type: number as text",
    text: `limits: {concurrency: many}\n${PROBE}`,
    expect: ['FILE:1:23: limits.concurrency: expected a number, got "many"'],
  },
  {
    name: "unknown top-level key",
    text: `${PROBE}agnet: {}\n`,
    expect: ['FILE:3:1: agnet: unknown key "agnet" (did you mean "agent"?)'],
  },
  {
    name: "unknown nested key",
    text: "probes:\n  tcp_ssh:\n    type: tcp\n    timout: 5s\n",
    expect: ['FILE:4:5: probes.tcp_ssh.timout: unknown key "timout" (did you mean "timeout"?)'],
  },
  {
    name: "unknown key of another probe type",
    text: "probes:\n  x: {type: icmp, port: 22}\n",
    expect: ['FILE:2:19: probes.x.port: unknown key "port"'],
  },
  {
    name: "unknown probe type",
    text: "probes:\n  x: {type: smtp}\n",
    expect: [
      'FILE:2:13: probes.x.type: expected one of tcp, udp, icmp, http, dns, path, got "smtp"',
    ],
  },
  {
    name: "missing probes",
    text: "agent: {}\n",
    expect: ["FILE:1:1: probes: required key missing: expected a mapping"],
  },
  {
    name: "number out of range",
    text: `limits: {concurrency: 0}\n${PROBE}`,
    expect: ["FILE:1:23: limits.concurrency: expected a number >= 1, got 0"],
  },
  {
    name: "retries out of range",
    text: `defaults: {retries: 11}\n${PROBE}`,
    expect: ["FILE:1:21: defaults.retries: expected a number <= 10, got 11"],
  },
  {
    name: "port out of range",
    text: "probes:\n  x: {type: tcp, port: 70000}\n",
    expect: ["FILE:2:24: probes.x.port: expected a port number 1-65535, got 70000"],
  },
  {
    name: "listen port out of range",
    text: `agent: {listen: "127.0.0.1:99999"}\n${PROBE}`,
    expect: [
      'FILE:1:17: agent.listen: expected a port number 0-65535 in host:port, got "127.0.0.1:99999"',
    ],
  },
  {
    name: "zero duration",
    text: `defaults: {interval: 0s}\n${PROBE}`,
    expect: ['FILE:1:22: defaults.interval: expected a positive duration like "5s", got "0s"'],
  },
  {
    name: "negative duration",
    text: "probes:\n  x: {type: tcp, timeout: -1s}\n",
    expect: ['FILE:2:27: probes.x.timeout: expected a positive duration like "5s", got "-1s"'],
  },
  {
    name: 'duration "fast"',
    text: "probes:\n  tcp_ssh: {type: tcp, port: 22, timeout: fast}\n",
    expect: ['FILE:2:43: probes.tcp_ssh.timeout: expected a duration like "5s", got "fast"'],
  },
  {
    name: "duration too long for a timer",
    text: `defaults: {timeout: 30d}\n${PROBE}`,
    expect: ['FILE:1:21: defaults.timeout: expected a duration of at most 24d, got "30d"'],
  },
  {
    name: "bad size",
    text: `wal: {max_size: lots}\n${PROBE}`,
    expect: ['FILE:1:17: wal.max_size: expected a size like "64MiB", got "lots"'],
  },
  {
    name: "invalid label name",
    text: `agent:\n  labels: {my-site: fra1}\n${PROBE}`,
    expect: [
      'FILE:2:12: agent.labels.my-site: expected a label name like "site" ([a-zA-Z_][a-zA-Z0-9_]*), got "my-site"',
    ],
  },
  {
    name: "reserved label name",
    text: `metrics:\n  labels: {target: x}\n${PROBE}`,
    expect: [
      `FILE:2:12: metrics.labels.target: ${OWN}, got "target" (target is set on every series)`,
    ],
  },
  {
    name: "label names our series use, in every label map",
    text: `agent:\n  labels: {le: "1"}\nmetrics:\n  labels: {phase: x}\n${PROBE}` +
      `targets:\n  - static: {targets: ["h:1"], labels: {stat: x}}\n    labels: {result: x}\n` +
      `    probes: [x]\npush:\n  url: http://127.0.0.1:1/api/v1/write\n  extra_labels: {__x: y}\n`,
    expect: [
      `FILE:2:12: agent.labels.le: ${OWN}, got "le" (${SERIES})`,
      `FILE:4:12: metrics.labels.phase: ${OWN}, got "phase" (${SERIES})`,
      `FILE:8:41: targets.0.static.labels.stat: ${OWN}, got "stat" (${SERIES})`,
      `FILE:9:14: targets.0.labels.result: ${OWN}, got "result" (${SERIES})`,
      `FILE:13:18: push.extra_labels.__x: ${OWN}, got "__x" (names starting with __ are reserved for internal use)`,
    ],
  },
  {
    name: "job and instance as labels",
    text: `agent:\n  labels: {job: x, instance: y}\n${PROBE}`,
    expect: [
      `FILE:2:12: agent.labels.job: ${OWN}, got "job" (job is set per probe module or source: use their job: key)`,
      `FILE:2:20: agent.labels.instance: ${OWN}, got "instance" (instance is always the target address)`,
    ],
  },
  {
    name: "empty job",
    text: `probes:\n  x: {type: tcp, job: ""}\n`,
    expect: ["FILE:2:23: probes.x.job: expected a job name, got an empty string"],
  },
  {
    name: "malformed static target addresses",
    text: STATIC('"10.0.0.1", "1.2.3.256", "db:99999", "[::1"'),
    expect: [
      `FILE:4:36: targets.0.static.targets.1: ${ADDRESS}, got "1.2.3.256" (not a valid IPv4 address)`,
      `FILE:4:49: targets.0.static.targets.2: ${ADDRESS}, got "db:99999" (port 99999 is out of range 1-65535)`,
      `FILE:4:61: targets.0.static.targets.3: ${ADDRESS}, got "[::1" (no closing ])`,
    ],
  },
  {
    name: "target naming an unknown probe",
    text: `${PROBE}targets:\n  - static: {targets: [a]}\n    probes: [x, y]\n`,
    expect: [
      'FILE:5:17: targets.0.probes.1: expected a probe module defined under probes (x), got "y"',
    ],
  },
  {
    name: "unknown source kind",
    text: `${PROBE}targets:\n  - consul: {url: x}\n    probes: [x]\n`,
    expect: [`FILE:4:5: targets.0.consul: unknown source kind "consul", ${KINDS}`],
  },
  {
    name: "two source kinds in one entry",
    text:
      `${PROBE}targets:\n  - static: {targets: [a]}\n    file: {paths: [t.yml]}\n    probes: [x]\n`,
    expect: [`FILE:5:5: targets.0.file: ${KINDS}, got static and file`],
  },
  {
    name: "empty file",
    text: "",
    expect: ["FILE:1:1: expected a mapping with at least `probes`, got an empty file"],
  },
  {
    name: "only comments",
    text: "# nothing\n# here\n",
    expect: ["FILE:1:1: expected a mapping with at least `probes`, got an empty file"],
  },
  {
    name: "NUL byte",
    text: "probes:\n  x: {type: tcp}\0\n",
    expect: ["FILE:2:17: expected text, got a NUL byte (a binary file?)"],
  },
  {
    name: "invalid UTF-8",
    text: new Uint8Array([
      ...new TextEncoder().encode('probes:\n  x: {type: tcp, expect: "'),
      0xff,
    ]),
    expect: ["FILE:2:27: expected UTF-8 text, got an invalid byte sequence"],
  },
  {
    name: "alias bomb (billion laughs)",
    text: BOMB,
    expect: [
      "FILE:6:8: f.0: expected aliases to expand to at most 100000 nodes, got more (an alias bomb?)",
    ],
  },
  {
    name: "alias to an unknown anchor",
    text: "probes: *p\n",
    expect: ["FILE:1:9: probes: expected an anchor &p before the alias *p, got none"],
  },
  {
    name: "alias cycle",
    text: "probes: &p {x: *p}\n",
    expect: ["FILE:1:16: probes.x: alias *p refers to its own anchor (a cycle)"],
  },
  {
    name: "unknown YAML tag",
    text: "probes:\n  x: !probe {type: tcp}\n",
    expect: ['FILE:2:6: unknown YAML tag "!probe"'],
  },
  {
    name: "absurd nesting (10,000 [)",
    text: `probes: ${"[".repeat(10_000)}\n`,
    expect: ["FILE:1:73: expected at most 64 levels of nesting, got more"],
  },
  {
    name: "too many items (2 million)",
    text: `probes: [${"1,".repeat(2_000_000)}1]\n`,
    expect: [
      "FILE:1:1: expected at most 150000 lines and list items, got 2000001 (put long target lists in a file source)",
    ],
  },
  {
    name: "50 MB file",
    make: async (dir) => {
      const path = `${dir}/huge.yaml`;
      await Deno.writeFile(path, new Uint8Array(50 * 1024 * 1024).fill(0x61));
      return path;
    },
    expect: [`FILE:1:1: Cannot read config: expected at most 4194304 bytes, got ${50 * 1024 ** 2}`],
  },
  {
    name: "a list at the top level",
    text: "- probes\n- targets\n",
    expect: ["FILE:1:1: expected a mapping at the top level, got a list"],
  },
  {
    name: "missing file",
    make: (dir) => Promise.resolve(`${dir}/missing.yaml`),
    expect: ["FILE:1:1: Cannot read config: no such file"],
  },
  {
    name: "a directory as config path",
    make: async (dir) => {
      await Deno.mkdir(`${dir}/conf.d`);
      return `${dir}/conf.d`;
    },
    expect: ["FILE:1:1: Cannot read config: expected a file, got a directory"],
  },
  {
    name: "several problems at once",
    text: "probes:\n  x: {type: tcp, port: 0, retries: many}\n  y: {type: udp, payload_hex: zz}\n",
    expect: [
      "FILE:2:24: probes.x.port: expected a port number 1-65535, got 0",
      'FILE:2:36: probes.x.retries: expected a number, got "many"',
      'FILE:3:31: probes.y.payload_hex: expected hex bytes like "0a1b", got "zz"',
    ],
  },
];

Deno.test(`check-config rejects ${CASES.length} malformed configs with exit 1 and the exact file:line:col: key: message`, async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober_check_" });
  try {
    const paths = await Promise.all(CASES.map(async (c, i) => {
      if (c.make) return await c.make(dir);
      const path = `${dir}/case_${String(i).padStart(2, "0")}.yaml`;
      const text = c.text ?? "";
      if (typeof text === "string") await Deno.writeTextFile(path, text);
      else await Deno.writeFile(path, text);
      return path;
    }));
    const results = await inBatches(
      paths.map((path) => () => runCli(["check-config", "--config", path])),
      6,
    );
    const failures: string[] = [];
    CASES.forEach((c, i) => {
      const r = results[i]!;
      const expected = c.expect.map((l) => l.replace("FILE", paths[i]!)).join("\n") + "\n";
      if (r.killed) failures.push(`${c.name}: killed after the time bound (a hang)`);
      else if (r.code !== 1) failures.push(`${c.name}: exit ${r.code}, expected 1`);
      else if (r.stderr !== expected) {
        failures.push(
          `${c.name}:\n  expected ${JSON.stringify(expected)}\n  got      ${
            JSON.stringify(r.stderr.slice(0, 2000))
          }`,
        );
      } else if (r.stdout !== "") failures.push(`${c.name}: unexpected stdout ${r.stdout}`);
      if (/\n\s+at /.test(r.stderr)) failures.push(`${c.name}: stack trace on stderr`);
    });
    assert.deepEqual(failures, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const SUMMARY_FULL = [
  "test/fixtures/config/full.yaml: OK",
  "  probe modules: 4 (tcp_ssh: tcp, tcp_https: tcp, dns: udp, icmp: icmp)",
  "  target sources: 4 (static: 1, file: 1, http: 1, command: 1)",
  "  static targets: 5, static jobs: 10",
  "  listen: [::1]:9109",
  "  wal: /var/lib/vmprober/wal; push: http://127.0.0.1:8428/api/v1/write",
  "",
].join("\n");

Deno.test("check-config accepts good configs and prints the summary", async () => {
  const [full, minimal, shipped] = await Promise.all([
    runCli(["check-config", "--config", "test/fixtures/config/full.yaml"]),
    runCli(["check-config", "--config", "test/fixtures/config/minimal.yaml"]),
    runCli(["check-config", "--config", "config/vmprober.yaml"]),
  ]);
  assert.deepEqual([full.code, full.stderr], [0, ""]);
  assert.equal(full.stdout, SUMMARY_FULL);
  assert.deepEqual([minimal.code, minimal.stderr], [0, ""]);
  assert.equal(
    minimal.stdout,
    [
      "test/fixtures/config/minimal.yaml: OK",
      "  probe modules: 1 (tcp_ssh: tcp)",
      "  target sources: 0",
      "  static targets: 0, static jobs: 0",
      "  listen: 127.0.0.1:9109",
      "  wal: off (no push: and no wal: section); push: off (pull only)",
      "",
    ].join("\n"),
  );
  assert.deepEqual([shipped.code, shipped.stderr], [0, ""]);
  assert.match(shipped.stdout, /^config\/vmprober\.yaml: OK\n {2}probe modules: /);
});

Deno.test("check-config --json prints the summary as one object, without secrets", async () => {
  const r = await runCli(["check-config", "--json", "--config", "test/fixtures/config/full.yaml"]);
  assert.deepEqual([r.code, r.stderr], [0, ""]);
  assert.doesNotMatch(r.stdout, /secret|extra=1/);
  assert.deepEqual(JSON.parse(r.stdout), {
    ok: true,
    config: "test/fixtures/config/full.yaml",
    probes: 4,
    probe_modules: { tcp_ssh: "tcp", tcp_https: "tcp", dns: "udp", icmp: "icmp" },
    sources: 4,
    source_kinds: { static: 1, file: 1, http: 1, command: 1 },
    static_targets: 5,
    static_jobs: 10,
    listen: "[::1]:9109",
    web_config: null,
    wal_dir: "/var/lib/vmprober/wal",
    push: "http://127.0.0.1:8428/api/v1/write",
  });
});

Deno.test("check-config --json reports errors as JSON on stdout and as lines on stderr", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober_check_" });
  try {
    const path = `${dir}/bad.yaml`;
    await Deno.writeTextFile(path, "probes:\n  x:\n    type: tcp\n    timout: 5s\n");
    const r = await runCli(["check-config", "--json", "--config", path]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `${path}:4:5: probes.x.timout: unknown key "timout" (did you mean "timeout"?)\n`,
    );
    assert.deepEqual(JSON.parse(r.stdout), {
      ok: false,
      config: path,
      errors: [{
        line: 4,
        col: 5,
        path: "probes.x.timout",
        message: 'unknown key "timout" (did you mean "timeout"?)',
      }],
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("check-config finds its config through $VMPROBER_CONFIG when --config is absent", async () => {
  const r = await runCli(["check-config"], {
    env: { VMPROBER_CONFIG: `${ROOT}test/fixtures/config/minimal.yaml` },
  });
  assert.deepEqual([r.code, r.stderr], [0, ""]);
  assert.match(r.stdout, /minimal\.yaml: OK\n/);
});

Deno.test("check-config with an unknown flag is a usage error (exit 1)", async () => {
  const r = await runCli(["check-config", "--confg", "x.yaml"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^vmprober check-config: Unknown option '--confg'/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

Deno.test("run with a bad config exits 1 with the same message and starts nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober_check_" });
  try {
    const path = `${dir}/bad.yaml`;
    await Deno.writeTextFile(path, "probes:\n  x: {type: tcp, port: 0}\n");
    const r = await runCli(["run", "--config", path]);
    assert.deepEqual([r.code, r.stdout, r.killed], [1, "", false]);
    assert.equal(r.stderr, `${path}:2:24: probes.x.port: expected a port number 1-65535, got 0\n`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("check-config validates the web config agent.web_config_file names (exit 1, file:line:col)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober-check-web-" });
  await Deno.writeTextFile(`${dir}/c.yaml`, `agent: {web_config_file: web.yml}\n${PROBE}`);
  await Deno.writeTextFile(`${dir}/web.yml`, "basic_auth_users:\n  u: nope\n");
  const bad = await runCli(["check-config", "--config", `${dir}/c.yaml`]);
  assert.equal(
    bad.stderr.trim(),
    `${dir}/web.yml:2:6: basic_auth_users.u: expected a bcrypt hash like "$2y$10$" followed by 53 characters, got "nope"`,
  );
  assert.equal(bad.code, 1);
  await Deno.writeTextFile(`${dir}/web.yml`, "basic_auth_users: {}\n");
  const good = await runCli(["check-config", "--config", `${dir}/c.yaml`, "--json"]);
  assert.equal(good.code, 0, good.stderr);
  assert.equal(JSON.parse(good.stdout).web_config, `${dir}/web.yml`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("check-config shows this cluster member's share of the static targets", async () => {
  const dir = await tempDirUntilExit({ prefix: "vmprober-check-cluster-" });
  const targets = Array.from({ length: 30 }, (_, i) => `"10.0.0.${i + 1}"`).join(", ");
  const shares: number[] = [];
  for (const member of [0, 1, 2]) {
    const path = `${dir}/m${member}.yaml`;
    await Deno.writeTextFile(
      path,
      `${STATIC(targets)}cluster: {members: 3, member: ${member}}\n`.replace(
        "type: tcp",
        "type: icmp",
      ),
    );
    const text = await runCli(["check-config", "--config", path]);
    assert.deepEqual([text.code, text.stderr], [0, ""]);
    const m = /\n {2}cluster: member (\d) of 3, replication 1; owns (\d+) of 30 static targets\n/
      .exec(text.stdout);
    assert.ok(m, text.stdout);
    assert.equal(Number(m[1]), member);
    shares.push(Number(m[2]));
    const json = JSON.parse((await runCli(["check-config", "--json", "--config", path])).stdout);
    assert.deepEqual(json.cluster, {
      members: 3,
      member,
      replication: 1,
      static_targets: 30,
      static_targets_owned: Number(m[2]),
    });
  }
  assert.equal(shares.reduce((a, b) => a + b), 30);
});
