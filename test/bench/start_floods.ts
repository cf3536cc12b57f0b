/**
 * @module Flooding processes for the ICMP flood benchmarks (`ping -f`, `fping -l`): started with
 * stdio discarded, stopped and awaited when the handle is disposed.
 */

/** Running flooders; `await using` stops them. */
export interface Floods extends AsyncDisposable {
  readonly children: readonly Deno.ChildProcess[];
}

/**
 * Spawns one process per `[cmd, args]` and waits `settleMs` so the flood is on when it returns.
 * Dispose sends `signal` to each (one that ended on its own is skipped) and awaits every exit.
 */
export async function startFloods(
  commands: readonly (readonly [string, string[]])[],
  options: { signal: Deno.Signal; settleMs: number },
): Promise<Floods> {
  const children = commands.map(([cmd, args]) =>
    new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).spawn()
  );
  await new Promise((r) => setTimeout(r, options.settleMs));
  return {
    children,
    async [Symbol.asyncDispose]() {
      for (const c of children) {
        try {
          c.kill(options.signal);
        } catch { /* ended on its own */ }
      }
      await Promise.all(children.map((c) => c.status));
    },
  };
}
