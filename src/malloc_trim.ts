/**
 * @module Hands the memory the C library's allocator holds free back to the OS, once, after
 * start-up. Parsing the config and a first run of a new bundle (Deno analyses a file it has not
 * seen before) leave ~10 MB free but resident in malloc's arenas; `malloc_trim(0)` returns it
 * (idle RSS on the first start of a new bundle 69 → 58 MB, on later starts unchanged); and
 * after each `/metrics` page (http/page_memory.ts).
 */

/** What {@linkcode trimMallocHeap} could do. */
export type TrimResult = "released" | "nothing" | "unavailable";

type MallocTrim = (pad: bigint) => number;

/** `malloc_trim` per library, opened once (null: not there); kept open, as libc is anyway. */
const opened = new Map<string, MallocTrim | null>();

/**
 * The library's `malloc_trim`, opened the first time while the FFI permission is held. Without
 * it nothing is tried: a `dlopen` after the permission was dropped would ask for it at a terminal
 * (blocking the agent) or turn it from "prompt" into "denied". The opened function keeps working
 * after the drop: trims after `/metrics` pages go on.
 */
function mallocTrim(library: string): MallocTrim | null {
  const known = opened.get(library);
  if (known !== undefined) return known;
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
  let fn: MallocTrim | null = null;
  try {
    const lib = Deno.dlopen(library, { malloc_trim: { parameters: ["usize"], result: "i32" } });
    fn = (pad) => lib.symbols.malloc_trim(pad);
  } catch {
    fn = null;
  }
  opened.set(library, fn);
  return fn;
}

/**
 * Calls `malloc_trim(0)` of `library`: "released" when memory went back to the OS, "nothing"
 * when there was none to give, "unavailable" without FFI permission or without the function
 * (a C library other than glibc).
 */
export function trimMallocHeap(library = "libc.so.6"): TrimResult {
  const fn = mallocTrim(library);
  if (!fn) return "unavailable";
  return fn(0n) === 1 ? "released" : "nothing";
}
