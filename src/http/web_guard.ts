/** @module The access guard a web config asks for: basic auth when it has users, else loopback rules. */
import type { MiddlewareHandler } from "hono";
import type { Registry } from "../base/prom.ts";
import { accessGuard } from "./access.ts";
import { createBasicAuth } from "./basic_auth.ts";
import type { WebConfig } from "./web_config.ts";

/** The guard of the HTTP API for `web` (none given: loopback-only rules, no passwords). */
export function webGuard(web: WebConfig | undefined, registry: Registry): MiddlewareHandler {
  const auth = web && web.users.size > 0 ? createBasicAuth(web.users) : undefined;
  return accessGuard(auth, registry);
}
