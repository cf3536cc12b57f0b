/**
 * @module Who may call what on the HTTP API. With `basic_auth_users` every request needs good
 * credentials (401 and `WWW-Authenticate` otherwise, 429 while too many password checks run);
 * without them, the endpoints that change or drive the agent (`POST /-/reload`, `/probe`) answer
 * only peers on loopback (403 with the reason to anyone else). Every refusal is counted.
 */
import type { MiddlewareHandler } from "hono";
import { Counter, type Registry } from "../base/prom.ts";
import type { AuthFailure, BasicAuth } from "./basic_auth.ts";

/** Paths that, without basic auth, only loopback peers may call. */
export const LOOPBACK_ONLY: readonly string[] = ["/-/reload", "/probe"];

/** Why a request was refused: an auth failure, or `not_loopback`. */
export type RefusalReason = AuthFailure | "not_loopback";

/** A decision on one request. */
export type Decision = { allow: true } | {
  allow: false;
  status: 401 | 403 | 429;
  reason: RefusalReason;
  message: string;
};

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x addresses. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "::1" || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Decides on a request to `path` from `peer` (the peer's IP address); `auth` is undefined when the
 * web config has no users.
 */
export async function decide(
  request: { path: string; peer: string; authorization?: string | null },
  auth: BasicAuth | undefined,
): Promise<Decision> {
  if (auth) {
    const result = await auth.check(request.authorization);
    if (result.ok) return { allow: true };
    return result.reason === "throttled"
      ? {
        allow: false,
        status: 429,
        reason: "throttled",
        message: "Too many password checks in progress; retry in a second",
      }
      : { allow: false, status: 401, reason: result.reason, message: "Unauthorized" };
  }
  if (LOOPBACK_ONLY.includes(request.path) && !isLoopback(request.peer)) {
    return {
      allow: false,
      status: 403,
      reason: "not_loopback",
      message: `Forbidden: ${request.path} is allowed from loopback only unless authenticated ` +
        `(peer ${request.peer}; set basic_auth_users in the web config to allow it)`,
    };
  }
  return { allow: true };
}

/** The hono middleware: reads the peer from `Deno.serve`'s info (hono's `c.env`). */
export function accessGuard(
  auth: BasicAuth | undefined,
  registry: Registry,
): MiddlewareHandler {
  const refused = new Counter({
    name: "vmprober_http_requests_refused_total",
    help: "HTTP API requests refused, by reason (missing, malformed, bad_credentials, " +
      "throttled, not_loopback).",
    labelNames: ["reason"],
    registers: [registry],
  });
  const reasons: RefusalReason[] = [
    "missing",
    "malformed",
    "bad_credentials",
    "throttled",
    "not_loopback",
  ];
  for (const reason of reasons) refused.inc({ reason }, 0);
  return async (c, next) => {
    const info = c.env as { remoteAddr?: { hostname?: string } } | undefined;
    const peer = info?.remoteAddr?.hostname ?? "unknown";
    const d = await decide({
      path: c.req.path,
      peer,
      authorization: c.req.header("Authorization"),
    }, auth);
    if (d.allow) return await next();
    refused.inc({ reason: d.reason });
    const headers: Record<string, string> = d.status === 401
      ? { "WWW-Authenticate": 'Basic realm="vmprober", charset="UTF-8"' }
      : d.status === 429
      ? { "Retry-After": "1" }
      : {};
    return c.text(`${d.message}\n`, d.status, headers);
  };
}
