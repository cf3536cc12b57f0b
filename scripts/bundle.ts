/**
 * @module `deno task bundle`: esbuild bundles `src/main.ts` and every dependency into one
 * self-contained, minified ES module `dist/vmprober.js` (+ `dist/vmprober.js.map`), with the
 * version and commit stamped in. The map is not linked from the bundle by default: Deno parses a
 * linked map when it loads the module and keeps it for the process's life (3.7 MB of JSON, ~8 MB
 * of resident memory); `$VMPROBER_BUNDLE_SOURCEMAP=linked` links it (stack traces in src/ terms). `deno run $(cat scripts/deno_flags) dist/vmprober.js …` is the CLI.
 */
// @ts-types="./esbuild_api.d.ts"
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";

/** The repository root (this file lives in `scripts/`). */
export const ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * The banner: a `require` for the CommonJS packages inside (prom-client, ping, …) that require Node
 * built-ins; without it the ESM output fails with `Dynamic require of "util" is not supported`.
 */
export const BUNDLE_BANNER = 'import{createRequire as __vmpCreateRequire}from"node:module";' +
  "const require=__vmpCreateRequire(import.meta.url);";

/** Options of {@linkcode bundle}. */
export interface BundleOptions {
  /** Output file; default `dist/vmprober.js` under the repository root. */
  outfile?: string;
  /** Version stamped in; default `$VMPROBER_VERSION`, else package.json's `version`. */
  version?: string;
  /** Commit stamped in; default `$VMPROBER_COMMIT`, else `git rev-parse --short=12 HEAD`. */
  commit?: string;
  /** Minify; default true, `$VMPROBER_BUNDLE_MINIFY=0` keeps names (readable CPU profiles). */
  minify?: boolean;
  /**
   * Link the source map from the bundle (`//# sourceMappingURL=`); default false (the map is
   * written beside it, unlinked), `$VMPROBER_BUNDLE_SOURCEMAP=linked` links it.
   */
  linkSourceMap?: boolean;
}

/** What {@linkcode bundle} wrote. */
export interface BundleResult {
  outfile: string;
  bytes: number;
  version: string;
  commit: string;
}

/** Whether an import left in the output is fine: only Node built-ins may stay external. */
export function isAllowedExternal(path: string): boolean {
  if (/^(npm|jsr|https?|file|data):/.test(path)) return false;
  return path.startsWith("node:") || !path.includes(":") && !path.startsWith(".") &&
      !path.startsWith("/");
}

async function gitCommit(): Promise<string> {
  try {
    const out = await new Deno.Command("git", {
      args: ["rev-parse", "--short=12", "HEAD"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : "unknown";
  } catch {
    return "unknown";
  }
}

async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await Deno.readTextFile(`${ROOT}package.json`)) as { version?: string };
  return pkg.version ?? "0.0.0";
}

/**
 * `text` with every non-ASCII character written as a `\uXXXX` escape (the same character in
 * the strings, regular expressions and identifiers where esbuild leaves them). V8 keeps a module's
 * source as one string: a single non-Latin-1 character (a dependency's regex has Cyrillic)
 * makes the whole ~750 KB bundle a two-byte string, 0.75 MB more heap for the agent's life.
 */
export function asciiOnly(text: string): string {
  return text.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Bundle `src/main.ts` into one ES module; throws when an unbundled non-Node import remains. */
export async function bundle(options: BundleOptions = {}): Promise<BundleResult> {
  const outfile = options.outfile ?? Deno.env.get("VMPROBER_BUNDLE_OUT") ??
    `${ROOT}dist/vmprober.js`;
  const minify = options.minify ?? Deno.env.get("VMPROBER_BUNDLE_MINIFY") !== "0";
  const linkSourceMap = options.linkSourceMap ??
    Deno.env.get("VMPROBER_BUNDLE_SOURCEMAP") === "linked";
  const version = options.version ?? Deno.env.get("VMPROBER_VERSION") ?? await packageVersion();
  const commit = options.commit ?? Deno.env.get("VMPROBER_COMMIT") ?? await gitCommit();
  try {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [`${ROOT}src/main.ts`],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "esnext",
      minify,
      sourcemap: linkSourceMap ? "linked" : "external",
      legalComments: "none",
      logLevel: "warning",
      metafile: true,
      banner: { js: BUNDLE_BANNER },
      // The status page's .tsx files: the same JSX runtime as deno.json's compilerOptions.
      jsx: "automatic",
      jsxImportSource: "hono/jsx",
      define: {
        __VMPROBER_VERSION__: JSON.stringify(version),
        __VMPROBER_COMMIT__: JSON.stringify(commit),
      },
    });
    const outputs = Object.values(result.metafile.outputs);
    const left = outputs.flatMap((o) => o.imports).filter((i) => !isAllowedExternal(i.path));
    if (left.length > 0) {
      throw new Error(
        `Cannot bundle: imports left unbundled: ${left.map((i) => i.path).join(", ")}`,
      );
    }
    const text = await Deno.readTextFile(outfile);
    const ascii = asciiOnly(text);
    if (ascii !== text) await Deno.writeTextFile(outfile, ascii);
    const { size } = await Deno.stat(outfile);
    return { outfile, bytes: size, version, commit };
  } finally {
    await esbuild.stop();
  }
}

if (import.meta.main) {
  try {
    const r = await bundle();
    console.log(
      `bundle: ${r.outfile} (${
        (r.bytes / 1024).toFixed(0)
      } KiB, version ${r.version}, commit ${r.commit})`,
    );
  } catch (e) {
    console.error(`bundle: ${e instanceof Error ? e.message : e}`);
    Deno.exit(1);
  }
}
