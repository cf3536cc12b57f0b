/**
 * @module A small glob matcher for file source paths: `*`, `?` and `[abc]`/`[a-z]`/`[!x]` in any
 * path segment (no `**`). Matches are sorted so loads are deterministic.
 */
import { join } from "../base/paths.ts";

const GLOB_CHARS = /[*?[]/;

/** True when `path` has a glob character. */
export function hasGlob(path: string): boolean {
  return GLOB_CHARS.test(path);
}

/**
 * Turns one path segment pattern into an anchored RegExp.
 *
 * @example
 * ```ts
 * import { segmentToRegExp } from "./glob.ts";
 * if (!segmentToRegExp("*.y?ml").test("a.yaml")) throw new Error();
 * if (segmentToRegExp("*.json").test(".hidden.json")) throw new Error();
 * ```
 */
export function segmentToRegExp(segment: string): RegExp {
  let re = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end === -1) re += "\\[";
      else {
        let body = segment.slice(i + 1, end);
        if (body.startsWith("!")) body = "^" + body.slice(1);
        re += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  // Like a shell, a leading wildcard does not match dot files.
  const hidden = segment.startsWith(".") ? "" : "(?!\\.)";
  return new RegExp(`^${hidden}${re}$`);
}

/** The longest directory prefix of an absolute pattern that has no glob character. */
export function globBase(pattern: string): string {
  const parts = pattern.split("/");
  const i = parts.findIndex((p) => hasGlob(p));
  if (i === -1) return parts.slice(0, -1).join("/") || "/";
  return parts.slice(0, i).join("/") || "/";
}

/**
 * Expands an absolute pattern into the existing regular files it matches, sorted. A pattern
 * without glob characters yields itself when it exists (so a missing file yields nothing).
 * Synchronous calls: an async `readDir` or `stat` waits for a free file thread (see
 * base/read_bounded.ts).
 */
export function expandGlob(pattern: string): string[] {
  const parts = pattern.split("/").filter((p, i) => p !== "" || i === 0);
  let current = [parts[0] === "" ? "/" : parts[0]!];
  for (let i = 1; i < parts.length; i++) {
    const seg = parts[i]!;
    const next: string[] = [];
    for (const dir of current) {
      if (!hasGlob(seg)) {
        next.push(join(dir, seg));
        continue;
      }
      const re = segmentToRegExp(seg);
      try {
        for (const entry of Deno.readDirSync(dir)) {
          if (re.test(entry.name)) next.push(join(dir, entry.name));
        }
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory)) throw e;
      }
    }
    current = next;
  }
  const files: string[] = [];
  for (const path of current) {
    try {
      if (Deno.statSync(path).isFile) files.push(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory)) throw e;
    }
  }
  return files.sort();
}
