import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";
import { parseConfig } from "../../src/config/parse.ts";

Deno.test("import-blackbox reads Debian's blackbox.yml and prints a probes: section the config accepts", async () => {
  const r = await runCli(["import-blackbox", "/etc/prometheus/blackbox.yml"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const config = parseConfig(r.stdout, "imported.yaml");
  for (const m of ["tcp_connect", "ssh_banner", "icmp", "icmp_ttl5"]) {
    assert.ok(m in config.probes, `${m} in ${Object.keys(config.probes)}`);
  }
  assert.equal(config.probes.icmp_ttl5?.type, "icmp");
  assert.match(
    r.stdout,
    /# http_2xx: prober http is not translated yet; write a type: http module by hand/,
  );
  // RE2's "^+OK" does not compile in JavaScript: commented, not passed on.
  assert.match(
    r.stdout,
    /# expect: "\^\+OK" is not a valid JavaScript regular expression \(nothing to repeat\): rewrite it/,
  );
});

Deno.test("import-blackbox exits 1 with file:line:col on a bad file, a missing file or no argument", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bb.yml`, "modules:\n  x:\n    prober: ftp\n");
    const bad = await runCli(["import-blackbox", `${dir}/bb.yml`]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, "");
    assert.equal(
      bad.stderr.trim(),
      `${dir}/bb.yml:3:13: modules.x.prober: expected prober tcp, icmp, http, dns or grpc, got "ftp"`,
    );
    const missing = await runCli(["import-blackbox", `${dir}/none.yml`]);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      new RegExp(`^${dir}/none.yml:1:1: Cannot read blackbox config: No such file`),
    );
    const none = await runCli(["import-blackbox"]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /expected one FILE \(a blackbox\.yml\)/);
    const help = await runCli(["import-blackbox", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: vmprober import-blackbox FILE/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
