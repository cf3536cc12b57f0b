/**
 * @module `deno task build [--target T]… [--out-dir DIR]`: the bundle, then `deno compile` with the
 * permission flags from `scripts/deno_flags` for each Linux target into `dist/vmprober-<target>`,
 * plus `dist/SHA256SUMS`. `deno compile` needs its runtime (denort): from `DENORT_BIN` (used only
 * for the target its ELF header names) or from Deno's download cache; it never downloads. A target
 * without a runtime is not built, one sentence says why and how to fix it, and the exit code is 1
 * (the bundle is still written; `deno task bundle` alone exits 0).
 */
import { bundle, ROOT } from "./bundle.ts";
import { readDenoFlags } from "./permissions.ts";

/** The targets the release ships. */
export const TARGETS = ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"] as const;
/** One release target. */
export type Target = typeof TARGETS[number];

/** Where a target's runtime comes from, or `undefined` when there is none. */
export type RuntimeSource = { kind: "denort_bin"; path: string } | { kind: "cache"; path: string };

/**
 * The target of a Linux ELF executable from its first 20 bytes (e_machine), if it is one of ours.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const header = new Uint8Array(20);
 * header.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
 * header[18] = 0xb7;
 * assert.equal(elfTarget(header), "aarch64-unknown-linux-gnu");
 * ```
 */
export function elfTarget(header: Uint8Array): Target | undefined {
  const magic = header[0] === 0x7f && header[1] === 0x45 && header[2] === 0x4c &&
    header[3] === 0x46;
  if (!magic || header.length < 20 || header[5] !== 1) return undefined;
  const machine = header[18]! | header[19]! << 8;
  if (machine === 0x3e) return "x86_64-unknown-linux-gnu";
  if (machine === 0xb7) return "aarch64-unknown-linux-gnu";
  return undefined;
}

/** `sha256sum`-format lines (`<hex>  <name>`), sorted by name. */
export async function sha256sums(files: { name: string; bytes: Uint8Array }[]): Promise<string> {
  const lines = await Promise.all(files.map(async ({ name, bytes }) => {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex}  ${name}`;
  }));
  return lines.sort((a, b) => a.slice(66).localeCompare(b.slice(66))).map((l) => `${l}\n`).join("");
}

/** The sentence printed when targets have no runtime: what is missing, why, and the fix. */
export function missingRuntimeMessage(
  bundlePath: string,
  missing: string[],
  denoVersion: string,
  cacheDir: string,
): string {
  return `build: the bundle is in ${bundlePath}, but no binary was compiled for ${
    missing.join(" and ")
  } because deno compile needs the Deno ${denoVersion} runtime (denort) of each target, found ` +
    `neither in DENORT_BIN nor in Deno's download cache, and this build never downloads it from ` +
    `the internet: set DENORT_BIN to a denort ` +
    `${denoVersion} executable of the target's architecture, or copy denort-<target>.zip into ` +
    `${cacheDir}, or choose targets with --target.`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function denoDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "null",
  }).output();
  return (JSON.parse(new TextDecoder().decode(out.stdout)) as { denoDir: string }).denoDir;
}

/** Find a target's runtime without touching the network. */
export async function findRuntime(
  target: Target,
  cacheDir: string,
): Promise<RuntimeSource | undefined> {
  const bin = Deno.env.get("DENORT_BIN");
  if (bin) {
    const file = await Deno.open(bin);
    const header = new Uint8Array(20);
    await file.read(header);
    file.close();
    if (elfTarget(header) === target) return { kind: "denort_bin", path: bin };
  }
  const zip = `${cacheDir}/denort-${target}.zip`;
  return await exists(zip) ? { kind: "cache", path: zip } : undefined;
}

async function compile(
  target: Target,
  runtime: RuntimeSource,
  flags: string[],
  dist: string,
): Promise<string> {
  const output = `${dist}/vmprober-${target}`;
  const env = Deno.env.toObject();
  delete env.DENORT_BIN;
  if (runtime.kind === "denort_bin") env.DENORT_BIN = runtime.path;
  const result = await new Deno.Command(Deno.execPath(), {
    args: [
      "compile",
      "--no-config",
      "--no-remote",
      "--no-npm",
      ...flags,
      "--target",
      target,
      "--output",
      output,
      `${dist}/vmprober.js`,
    ],
    env,
    clearEnv: true,
    cwd: ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!result.success) {
    throw new Error(`Cannot compile ${target}: deno compile exited ${result.code}`);
  }
  return output;
}

function parseArgs(args: string[]): { targets: Target[]; dist: string } {
  const picked: Target[] = [];
  let dist = `${ROOT}dist`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--out-dir" && args[i + 1] !== undefined) {
      dist = args[++i]!;
      continue;
    }
    const value = arg === "--target"
      ? args[++i]
      : arg.startsWith("--target=")
      ? arg.slice(9)
      : null;
    if (value === null || !(TARGETS as readonly string[]).includes(value ?? "")) {
      throw new TypeError(
        `Cannot build: unknown argument "${arg}${value ? ` ${value}` : ""}" (use --target ${
          TARGETS.join("|")
        } or --out-dir DIR)`,
      );
    }
    picked.push(value as Target);
  }
  return { targets: picked.length > 0 ? picked : [...TARGETS], dist };
}

/** Bundle, compile every target that has a runtime, write SHA256SUMS; exit code 0 or 1. */
export async function build(args: string[]): Promise<number> {
  const { targets, dist } = parseArgs(args);
  const b = await bundle({ outfile: `${dist}/vmprober.js` });
  console.log(`build: bundle ${b.outfile} (version ${b.version}, commit ${b.commit})`);
  const flags = await readDenoFlags();
  const cacheDir = `${await denoDir()}/dl/release/v${Deno.version.deno}`;
  const built: { name: string; bytes: Uint8Array }[] = [];
  const missing: string[] = [];
  for (const target of targets) {
    await Deno.remove(`${dist}/vmprober-${target}`).catch(() => {});
    const runtime = await findRuntime(target, cacheDir);
    if (!runtime) {
      missing.push(target);
      continue;
    }
    const output = await compile(target, runtime, flags, dist);
    built.push({ name: `vmprober-${target}`, bytes: await Deno.readFile(output) });
    console.log(`build: ${output} (${(built.at(-1)!.bytes.length / 2 ** 20).toFixed(1)} MiB)`);
  }
  await Deno.remove(`${dist}/SHA256SUMS`).catch(() => {});
  if (built.length > 0) {
    await Deno.writeTextFile(`${dist}/SHA256SUMS`, await sha256sums(built));
    console.log(`build: ${dist}/SHA256SUMS`);
  }
  if (missing.length > 0) {
    console.error(missingRuntimeMessage(b.outfile, missing, Deno.version.deno, cacheDir));
    return 1;
  }
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await build(Deno.args));
  } catch (e) {
    console.error(`build: ${e instanceof Error ? e.message : e}`);
    Deno.exit(1);
  }
}
