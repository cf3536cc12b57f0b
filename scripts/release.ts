/**
 * @module `deno task release [--version v0.1.0] [--out dist/release]`: lays out a release folder
 * exactly as `install.sh` downloads it — `download/<version>/` and `latest/download/` each holding
 * `vmprober-<target>` for every target, `vmprober.yaml` (the default production config),
 * `vmprober.service`, `vmprober.initd`, `vmprober.procd`, `install.sh` and `SHA256SUMS` over them
 * all. Serve the folder (or upload its files to a release) and point `VMPROBER_BASE_URL` at it.
 */
import { ROOT } from "./bundle.ts";
import { sha256sums, type Target, TARGETS } from "./build.ts";

/** The files besides the binaries, from the repository. */
export const RELEASE_FILES: Record<string, string> = {
  "vmprober.yaml": "packaging/vmprober.yaml",
  "vmprober.service": "packaging/vmprober.service",
  "vmprober.initd": "packaging/vmprober.initd",
  "vmprober.procd": "packaging/vmprober.procd",
  "install.sh": "install.sh",
};

/** Options of {@linkcode writeRelease}. */
export interface ReleaseOptions {
  /** The release folder (created). */
  out: string;
  /** The release tag, `v` + semver, e.g. `v0.1.0`. */
  version: string;
  /** The binary of each target (tests may pass small stand-ins). */
  binaries: Record<Target, Uint8Array>;
  /** Also publish it as `latest/download/` (default true). */
  latest?: boolean;
  /** Replace a file's content, e.g. to plant damage in a test: name → bytes. */
  override?: Record<string, Uint8Array>;
}

/** Normalize a version to a release tag: `0.1.0` → `v0.1.0`. */
export function releaseTag(version: string): string {
  if (!/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version)) {
    throw new TypeError(`Cannot make a release: "${version}" is not a version like v1.2.3`);
  }
  return version.startsWith("v") ? version : `v${version}`;
}

/** Write the release folder; returns the directories written. */
export async function writeRelease(options: ReleaseOptions): Promise<string[]> {
  const tag = releaseTag(options.version);
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (const target of TARGETS) {
    files.push({ name: `vmprober-${target}`, bytes: options.binaries[target] });
  }
  for (const [name, path] of Object.entries(RELEASE_FILES)) {
    files.push({ name, bytes: await Deno.readFile(`${ROOT}${path}`) });
  }
  const sums = new TextEncoder().encode(await sha256sums(files));
  files.push({ name: "SHA256SUMS", bytes: sums });
  const dirs = [`${options.out}/download/${tag}`];
  if (options.latest ?? true) dirs.push(`${options.out}/latest/download`);
  for (const dir of dirs) {
    await Deno.mkdir(dir, { recursive: true });
    for (const { name, bytes } of files) {
      const data = options.override?.[name] ?? bytes;
      await Deno.writeFile(`${dir}/${name}`, data, {
        mode: name.startsWith("vmprober-") ? 0o755 : 0o644,
      });
    }
  }
  return dirs;
}

async function main(args: string[]): Promise<number> {
  let out = `${ROOT}dist/release`;
  let version: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--out") out = args[++i] ?? out;
    else if (args[i] === "--version") version = args[++i];
    else throw new TypeError(`Cannot make a release: unknown argument "${args[i]}"`);
  }
  if (!version) {
    const pkg = JSON.parse(await Deno.readTextFile(`${ROOT}package.json`)) as { version: string };
    version = Deno.env.get("VMPROBER_VERSION") ?? pkg.version;
  }
  const binaries = {} as Record<Target, Uint8Array>;
  for (const target of TARGETS) {
    try {
      binaries[target] = await Deno.readFile(`${ROOT}dist/vmprober-${target}`);
    } catch {
      throw new Error(
        `Cannot make a release: dist/vmprober-${target} is missing; run deno task build first ` +
          `(it needs DENORT_BIN or a cached denort for every target)`,
      );
    }
  }
  for (const dir of await writeRelease({ out, version, binaries })) console.log(`release: ${dir}`);
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(`release: ${e instanceof Error ? e.message : e}`);
    Deno.exit(1);
  }
}
