/**
 * @module The part of esbuild's JS API that `scripts/bundle.ts` uses. esbuild's own typings
 * reference `@types/node`, which this project does not install, so `deno check` reads these.
 */

/** A subset of esbuild's `BuildOptions`. */
export interface BuildOptions {
  absWorkingDir?: string;
  entryPoints?: string[];
  outfile?: string;
  bundle?: boolean;
  platform?: "node" | "browser" | "neutral";
  format?: "esm" | "cjs" | "iife";
  target?: string;
  minify?: boolean;
  sourcemap?: boolean | "linked" | "external" | "inline" | "both";
  legalComments?: "none" | "inline" | "eof" | "linked" | "external";
  logLevel?: "verbose" | "debug" | "info" | "warning" | "error" | "silent";
  metafile?: boolean;
  banner?: Record<string, string>;
  define?: Record<string, string>;
  jsx?: "transform" | "preserve" | "automatic";
  jsxImportSource?: string;
}

/** One import of an output file, from the metafile. */
export interface MetafileImport {
  path: string;
  kind: string;
  external?: boolean;
}

/** A subset of esbuild's `BuildResult` when `metafile: true`. */
export interface BuildResult {
  metafile: { outputs: Record<string, { bytes: number; imports: MetafileImport[] }> };
}

/** Build with esbuild. */
export function build(options: BuildOptions): Promise<BuildResult>;
/** Stop esbuild's service process. */
export function stop(): Promise<void>;
