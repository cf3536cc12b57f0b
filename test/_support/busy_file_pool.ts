/**
 * @module Keeps Deno's pool of file threads busy, as thousands of probes a second can: `count`
 * async opens of FIFOs with no writer each hold a thread. `release()` gives every FIFO a writer
 * (an O_RDWR open never blocks on Linux), so the opens finish. `within()` races a promise against
 * a deadline, for asserting that a read does not wait for a file thread.
 */
import assert from "node:assert/strict";

/** A busy pool; `release()` frees it (idempotent). */
export interface BusyFilePool {
  release(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Occupies the pool with `count` blocked opens of FIFOs in `dir` (256 hold every thread). */
export async function busyFilePool(dir: string, count = 256): Promise<BusyFilePool> {
  const paths = Array.from({ length: count }, (_, i) => `${dir}/fifo${i}`);
  const made = new Deno.Command("mkfifo", { args: paths }).outputSync();
  assert.equal(made.code, 0, "mkfifo failed");
  const opens = paths.map((p) => Deno.open(p, { read: true }));
  await new Promise((r) => setTimeout(r, 100));
  let released: Promise<void> | undefined;
  const release = () =>
    released ??= (async () => {
      const writers = paths.map((p) => Deno.openSync(p, { read: true, write: true }));
      for (const f of await Promise.all(opens)) f.close();
      for (const w of writers) w.close();
    })();
  return { release, [Symbol.asyncDispose]: release };
}

/** `promise`'s value, or a failed assertion naming `what` when it is still pending after `ms`. */
export async function within<T>(what: string, promise: Promise<T>, ms = 5_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<{ late: true }>((r) => timer = setTimeout(() => r({ late: true }), ms));
  try {
    const got = await Promise.race([promise.then((value) => ({ value })), late]);
    if ("late" in got) assert.fail(`${what} still waiting for a file thread after ${ms} ms`);
    return got.value;
  } finally {
    clearTimeout(timer);
  }
}
