/**
 * @module The few POSIX path operations the file source needs. (Kept here rather than importing
 * `node:path`, whose types need `@types/node`, which the project does not install.)
 */

/** Collapses `//`, `.` and `..` segments of a POSIX path. */
export function normalize(path: string): string {
  const abs = path.startsWith("/");
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (seg !== ".." || !abs) out.push(seg);
  }
  const joined = out.join("/");
  return abs ? "/" + joined : joined || ".";
}

/** Joins path segments and normalizes. */
export function join(...parts: string[]): string {
  return normalize(parts.filter((p) => p !== "").join("/"));
}

/**
 * Resolves `path` against `base` unless it is absolute.
 *
 * @example
 * ```ts
 * import { resolvePath } from "./paths.ts";
 * if (resolvePath("/etc/vmprober", "targets/*.yml") !== "/etc/vmprober/targets/*.yml") {
 *   throw new Error();
 * }
 * ```
 */
export function resolvePath(base: string, path: string): string {
  return path.startsWith("/") ? normalize(path) : join(base, path);
}

/** The last segment of a path. */
export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** The directory part of a path. */
export function dirname(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const i = trimmed.lastIndexOf("/");
  return i === -1 ? "." : i === 0 ? "/" : trimmed.slice(0, i);
}

/** The extension of the last segment, with its dot (`.json`), or "". */
export function extname(path: string): string {
  const name = basename(path);
  const i = name.lastIndexOf(".");
  return i <= 0 ? "" : name.slice(i);
}

/** `dir` + `/` + `name`, without doubling a trailing slash (no normalization: WAL file names). */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}
