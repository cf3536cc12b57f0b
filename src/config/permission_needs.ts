/**
 * @module Which of the permissions the agent may drop after start (`run`, `ffi`, `write`) a config
 * needs, each with the first part of the config that needs it: `run` for a command target source
 * or an ICMP module that may use the system `ping` (helper `ping` or `auto`), `ffi` for an ICMP
 * module that may open the in-process socket (helper `socket` or `auto`), for a path module,
 * for a UDP module (its sockets read ICMP errors, `refused`/`unreachable`) and for a TCP module
 * with `dscp`, `source_ip` or `source_interface`; `write` for the WAL. A connect-only TCP module
 * wants `ffi` (the shared epoll poller) but works without it (`Deno.connect`): it keeps the
 * permission when granted, and a reload that adds one is not refused for it.
 * Only modules some target source names count.
 */
import type { Config } from "./schema.ts";
import { walSettings } from "./wal_schema.ts";
import { connectOnly } from "./connect_only.ts";

/** The permissions a running agent drops when its config does not need them. */
export const DROPPABLE = ["run", "ffi", "write"] as const;
/** One of {@linkcode DROPPABLE}. */
export type Droppable = (typeof DROPPABLE)[number];

/** Permission → what in the config needs it (the first such part). */
export function permissionNeeds(config: Config): Map<Droppable, string> {
  const needs = new Map<Droppable, string>();
  const need = (name: Droppable, why: string) => needs.has(name) || needs.set(name, why);
  config.targets.forEach((source, i) => {
    if (source.command) need("run", `command target source "${source.name ?? `command_${i}`}"`);
  });
  const used = new Set(config.targets.flatMap((t) => t.probes));
  for (const [name, module] of Object.entries(config.probes)) {
    if (!used.has(name)) continue;
    if (module.type === "path") need("ffi", `path probe module "${name}"`);
    if (module.type === "udp") need("ffi", `UDP probe module "${name}" (reads ICMP errors)`);
    if (
      module.type === "tcp" &&
      (module.dscp !== undefined || module.source_ip !== undefined ||
        module.source_interface !== undefined)
    ) need("ffi", `TCP probe module "${name}" (socket options)`);
    if (module.type !== "icmp") continue;
    const helper = module.helper ?? "auto";
    const why = `ICMP probe module "${name}" (helper: ${helper})`;
    if (helper !== "socket") need("run", why);
    if (helper !== "ping") need("ffi", why);
  }
  if (walSettings(config)) need("write", "the WAL");
  return needs;
}

/** Permission → what in the config uses it when held, and falls back without it. */
export function permissionWants(config: Config): Map<Droppable, string> {
  const wants = new Map<Droppable, string>();
  const used = new Set(config.targets.flatMap((t) => t.probes));
  for (const [name, module] of Object.entries(config.probes)) {
    if (used.has(name) && module.type === "tcp" && connectOnly(module) && !wants.has("ffi")) {
      wants.set("ffi", `TCP probe module "${name}" (connects through the epoll poller)`);
    }
  }
  return wants;
}

/**
 * Throws when `config` needs one of the `dropped` permissions, naming what needs it. Not `write`:
 * a WAL added by a reload opens only after a restart anyway (which grants it again).
 */
export function refuseDropped(config: Config, dropped: readonly Droppable[]): void {
  for (const [name, why] of permissionNeeds(config)) {
    if (name !== "write" && dropped.includes(name)) {
      throw new Error(
        `Cannot apply the config: ${why} needs the ${name} permission, dropped at start ` +
          "because the running config did not need it (restart the agent to apply it)",
      );
    }
  }
}
