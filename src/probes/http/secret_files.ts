/**
 * @module Small files the HTTP probe reads per run (password, bearer token, CA certificates),
 * cached and read again when older than a minute; their contents never reach a log or a detail.
 */
import { readTextBoundedSync } from "../../base/read_bounded.ts";

const cache = new Map<string, { text: string; at: number }>();
/** Files are read again after this long. */
const REREAD_MS = 60_000;
/** Largest file accepted (a CA bundle fits many times). */
const MAX_BYTES = 1024 * 1024;

/** The file's text (trimmed of one trailing newline for secrets); throws a plain error. */
export function readSmallFile(path: string, now = performance.now()): Promise<string> {
  try {
    return Promise.resolve(readSmallFileSync(path, now));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** {@linkcode readSmallFile}, synchronous. */
export function readSmallFileSync(path: string, now = performance.now()): string {
  const hit = cache.get(path);
  if (hit && now - hit.at < REREAD_MS) return hit.text;
  let text: string;
  try {
    // Synchronous (see base/read_bounded.ts): an async read waits for a free file thread.
    text = readTextBoundedSync(path, MAX_BYTES);
  } catch (e) {
    throw new Error(`Cannot read ${path}: ${(e as Error).message}`);
  }
  if (cache.size > 100) cache.clear();
  cache.set(path, { text, at: now });
  return text;
}

/** A secret file's first line, without its newline. */
export async function readSecret(path: string): Promise<string> {
  return (await readSmallFile(path)).split(/\r?\n/)[0] ?? "";
}
