/**
 * @module The build scripts: the bundle's shape, `deno task build` where no denort runtime exists
 * (this machine: it must stop with one sentence and exit 1 after writing the bundle), and the
 * release layout `install.sh` downloads.
 */
import assert from "node:assert/strict";
import { asciiOnly, bundle, BUNDLE_BANNER, isAllowedExternal, ROOT } from "../../scripts/bundle.ts";
import { elfTarget, missingRuntimeMessage, sha256sums, TARGETS } from "../../scripts/build.ts";
import { releaseTag, writeRelease } from "../../scripts/release.ts";
import { parseDenoFlags, readDenoFlags } from "../../scripts/permissions.ts";
import { testBundle } from "../_support/bundle_cli.ts";
import { listTree } from "../_support/release_fixture.ts";
import { withTempDir } from "../_support/temp_dir.ts";

const withDir = (fn: (dir: string) => Promise<void>) =>
  withTempDir(fn, { prefix: "vmprober_build_" });

function elfHeader(machine: number): Uint8Array {
  const h = new Uint8Array(64);
  h.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  h[18] = machine;
  return h;
}

async function runBuild(args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run",
      "scripts/build.ts",
      ...args,
    ],
    cwd: ROOT,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
      ...env,
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("bundle() output is one module importing only Node built-ins, with the require banner", async () => {
  const { file } = await testBundle();
  const text = await Deno.readTextFile(file);
  assert.ok(text.startsWith(BUNDLE_BANNER), "the banner gives the ESM output a require()");
  // One non-ASCII character would make V8 hold the whole source as a two-byte string.
  assert.equal(text.match(/[\u0080-\uffff]/g), null);
  const specifiers = [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["']([^"']+)["']/g)].map((m) =>
    m[1]!
  );
  assert.deepEqual(specifiers.filter((s) => !isAllowedExternal(s)), []);
  assert.equal(text.match(/\b(from|import\()\s*["'](npm|jsr|https?):/g), null);
  // Deno parses a linked map at load and keeps it (~8 MB resident): the map is written, unlinked.
  assert.equal(text.match(/sourceMappingURL/g), null);
  const map = JSON.parse(await Deno.readTextFile(`${file}.map`));
  assert.ok(map.sources.some((s: string) => s.endsWith("src/main.ts")));
});

Deno.test("bundle({ linkSourceMap: true }) links the map for stack traces in src/ terms", async () => {
  await withDir(async (dir) => {
    const outfile = `${dir}/linked.js`;
    await bundle({ outfile, version: "0.0.0", commit: "test", linkSourceMap: true });
    const text = await Deno.readTextFile(outfile);
    assert.match(text, /\n\/\/# sourceMappingURL=linked\.js\.map\n?$/);
    assert.equal(text.match(/sourceMappingURL/g)?.length, 1);
    assert.ok(JSON.parse(await Deno.readTextFile(`${outfile}.map`)).sources.length > 0);
  });
});

Deno.test("asciiOnly() escapes non-ASCII characters so the code means the same", () => {
  const src =
    'const re = /(ms|\u043c\u0441)/i; const s = "\u00b5s \u2192 \u{1f600}"; export { re, s };';
  const out = asciiOnly(src);
  assert.equal(out.match(/[\u0080-\uffff]/), null);
  assert.equal(
    out,
    'const re = /(ms|\\u043c\\u0441)/i; const s = "\\u00b5s \\u2192 \\ud83d\\ude00"; export { re, s };',
  );
  const re = new RegExp(out.slice(out.indexOf("/") + 1, out.indexOf("/i")), "i");
  assert.ok(re.test("5 \u043c\u0441"));
  assert.equal(
    JSON.parse(out.slice(out.indexOf('"'), out.lastIndexOf('"') + 1)),
    "\u00b5s \u2192 \u{1f600}",
  );
});

Deno.test("isAllowedExternal() allows Node built-ins only", () => {
  for (const ok of ["node:module", "util", "node:fs/promises"]) {
    assert.ok(isAllowedExternal(ok), ok);
  }
  for (
    const bad of ["npm:hono", "jsr:@std/yaml", "https://x.example/m.ts", "./local.js", "/abs.js"]
  ) {
    assert.ok(!isAllowedExternal(bad), bad);
  }
});

Deno.test("parseDenoFlags() reads the one-line flags file and rejects a non-flag", async () => {
  assert.deepEqual(parseDenoFlags("# comment\n--allow-net\t--allow-read=/etc \n"), [
    "--allow-net",
    "--allow-read=/etc",
  ]);
  assert.throws(() => parseDenoFlags("--allow-net run"), {
    name: "SyntaxError",
    message: 'Cannot read deno flags: "run" is not a --flag',
  });
  const text = await Deno.readTextFile(`${ROOT}scripts/deno_flags`);
  assert.deepEqual(await readDenoFlags(), text.trim().split(/\s+/), "same words as $(cat …)");
});

Deno.test("elfTarget() reads the architecture of a Linux executable", () => {
  assert.equal(elfTarget(elfHeader(0x3e)), "x86_64-unknown-linux-gnu");
  assert.equal(elfTarget(elfHeader(0xb7)), "aarch64-unknown-linux-gnu");
  assert.equal(elfTarget(elfHeader(0x28)), undefined); // 32-bit ARM
  assert.equal(elfTarget(new TextEncoder().encode("#!/bin/sh\necho not an elf file\n")), undefined);
  assert.equal(elfTarget(new Uint8Array(4)), undefined);
});

Deno.test("sha256sums() writes what sha256sum -c accepts", async () => {
  await withDir(async (dir) => {
    const files = [
      { name: "b.bin", bytes: new Uint8Array([1, 2, 3]) },
      { name: "a.txt", bytes: new TextEncoder().encode("hello\n") },
    ];
    for (const f of files) await Deno.writeFile(`${dir}/${f.name}`, f.bytes);
    const sums = await sha256sums(files);
    assert.equal(
      sums.split("\n")[0],
      "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  a.txt",
    );
    await Deno.writeTextFile(`${dir}/SUMS`, sums);
    const check = await new Deno.Command("sha256sum", {
      args: ["-c", "SUMS"],
      cwd: dir,
      stdout: "piped",
    })
      .output();
    assert.equal(new TextDecoder().decode(check.stdout), "a.txt: OK\nb.bin: OK\n");
  });
});

Deno.test("deno task build without a denort runtime writes the bundle, explains in one sentence, exits 1", async () => {
  await withDir(async (dir) => {
    const denoDir = `${dir}/deno_dir`;
    const out = `${dir}/dist`;
    const r = await runBuild(["--out-dir", out], { DENO_DIR: denoDir, HOME: dir });
    const cache = `${denoDir}/dl/release/v${Deno.version.deno}`;
    assert.equal(
      r.stderr,
      `${missingRuntimeMessage(`${out}/vmprober.js`, [...TARGETS], Deno.version.deno, cache)}\n`,
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /^build: bundle .*\/dist\/vmprober\.js \(version 0\.1\.0, commit [0-9a-f]+\)\n$/,
    );
    assert.deepEqual(await listTree(out), ["vmprober.js", "vmprober.js.map"]);
    assert.equal(
      missingRuntimeMessage("dist/vmprober.js", ["aarch64-unknown-linux-gnu"], "2.9.6", "/c"),
      "build: the bundle is in dist/vmprober.js, but no binary was compiled for " +
        "aarch64-unknown-linux-gnu because deno compile needs the Deno 2.9.6 runtime (denort) of " +
        "each target, found neither in DENORT_BIN nor in Deno's download cache, and this build " +
        "never downloads it from the internet: set DENORT_BIN to a denort 2.9.6 executable of the " +
        "target's architecture, or copy denort-<target>.zip into /c, or choose targets with --target.",
    );
  });
});

Deno.test("deno task build uses DENORT_BIN only for the architecture it was built for", async () => {
  await withDir(async (dir) => {
    const fake = `${dir}/denort-aarch64`;
    await Deno.writeFile(fake, elfHeader(0xb7));
    const out = `${dir}/dist`;
    const r = await runBuild(["--target", "x86_64-unknown-linux-gnu", "--out-dir", out], {
      DENO_DIR: `${dir}/deno_dir`,
      HOME: dir,
      DENORT_BIN: fake,
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no binary was compiled for x86_64-unknown-linux-gnu because/);
    assert.deepEqual(await listTree(out), ["vmprober.js", "vmprober.js.map"]);
    const bad = await runBuild(["--target", "riscv64"], { HOME: dir });
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr,
      'build: Cannot build: unknown argument "--target riscv64" (use --target ' +
        "x86_64-unknown-linux-gnu|aarch64-unknown-linux-gnu or --out-dir DIR)\n",
    );
  });
});

Deno.test("writeRelease() lays out download/<tag>/ and latest/download/ with verifiable SHA256SUMS", async () => {
  await withDir(async (dir) => {
    const bin = new TextEncoder().encode("#!/bin/sh\n");
    await writeRelease({
      out: dir,
      version: "0.2.0",
      binaries: { "x86_64-unknown-linux-gnu": bin, "aarch64-unknown-linux-gnu": bin },
    });
    const files = [
      "SHA256SUMS",
      "install.sh",
      "vmprober-aarch64-unknown-linux-gnu",
      "vmprober-x86_64-unknown-linux-gnu",
      "vmprober.initd",
      "vmprober.procd",
      "vmprober.service",
      "vmprober.yaml",
    ];
    assert.deepEqual(await listTree(dir), [
      "download/",
      "download/v0.2.0/",
      ...files.map((f) => `download/v0.2.0/${f}`),
      "latest/",
      "latest/download/",
      ...files.map((f) => `latest/download/${f}`),
    ]);
    const check = await new Deno.Command("sha256sum", {
      args: ["-c", "SHA256SUMS"],
      cwd: `${dir}/latest/download`,
      stdout: "piped",
    }).output();
    assert.equal(check.code, 0);
    assert.equal(new TextDecoder().decode(check.stdout).split("\n").filter(Boolean).length, 7);
    assert.equal(releaseTag("v1.2.3-rc.1"), "v1.2.3-rc.1");
    assert.throws(() => releaseTag("latest"), {
      name: "TypeError",
      message: 'Cannot make a release: "latest" is not a version like v1.2.3',
    });
  });
});
