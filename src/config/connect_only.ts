/**
 * @module Which TCP modules only connect (no `tls`, `send`, `expect` nor socket options): those
 * the shared epoll poller serves, and the reason a config wants the `ffi` permission.
 */
import type { ModuleOf } from "./schema.ts";

/** True when a TCP module only connects: the poller can do it. */
export function connectOnly(o: Omit<ModuleOf<"tcp">, "type">): boolean {
  return !o.tls && !o.send && (o.expect === undefined || o.expect.source === "") &&
    o.dscp === undefined && o.source_ip === undefined && o.source_interface === undefined;
}
