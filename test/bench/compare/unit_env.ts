/**
 * @module The environment the installed systemd unit gives the agent (its `Environment=` lines,
 * e.g. `MALLOC_ARENA_MAX=2`), so the bench runs the bundle as a user's installed service runs the
 * binary. `BENCH_UNIT_ENV=0` leaves it out (the agent as run by hand).
 */

/** The `NAME=value` pairs of a unit text's `Environment=` lines (one pair per line). */
export function unitEnvironment(unit: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of unit.matchAll(/^Environment=([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/gm)) {
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** The shipped unit's environment, or none with `BENCH_UNIT_ENV=0`. */
export function benchAgentEnv(root: string): Record<string, string> {
  if (Deno.env.get("BENCH_UNIT_ENV") === "0") return {};
  return unitEnvironment(Deno.readTextFileSync(`${root}packaging/vmprober.service`));
}
