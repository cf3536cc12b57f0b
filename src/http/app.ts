/**
 * @module The HTTP API (hono): metrics, health, readiness, reload, targets and status.
 * Everything it shows comes through injected functions, so routes are tested with
 * `app.request()` and no socket.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { addProbeRoute, type ProbeRouteDeps } from "./probe_route.ts";

/** What the routes read from the agent. */
export interface AppDeps {
  /**
   * The exposition text, or a stream of it (large pages are streamed, not built whole), or null
   * when too many answers are being sent already (then 503 with Retry-After).
   */
  metrics(): Promise<string | ReadableStream<Uint8Array> | null>;
  ready(): boolean;
  reload(): Promise<{ ok: boolean; error?: string }>;
  targets(): unknown;
  status(): unknown;
  /** Runs before every route (access control: see access.ts). */
  guard?: MiddlewareHandler;
  /** `GET /probe` (blackbox_exporter's contract); without it the path answers 404. */
  probe?: ProbeRouteDeps;
  /** Adds more routes behind the same middleware (the status page). */
  pages?: (app: Hono) => void;
}

const ROUTES: Record<string, string> = {
  "/metrics": "GET",
  "/probe": "GET",
  "/healthz": "GET",
  "/readyz": "GET",
  "/-/reload": "POST",
  "/api/v1/targets": "GET",
  "/api/v1/status": "GET",
};

const METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Builds the hono app. Unknown paths 404; known paths with a wrong method 405. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  if (deps.guard) app.use("*", deps.guard);
  app.use("*", async (c, next) => {
    const allowed = ROUTES[c.req.path];
    const method = c.req.method === "HEAD" ? "GET" : c.req.method;
    if (allowed && method !== allowed) {
      return c.text(`Method ${c.req.method} not allowed; use ${allowed}\n`, 405, {
        Allow: allowed,
      });
    }
    await next();
  });
  app.get("/metrics", async (c) => {
    // HEAD: hono drops a GET handler's body without cancelling it, which would hold a scrape
    // slot until its timeout; so no page is taken at all.
    if (c.req.method === "HEAD") return c.body(null, 200, { "Content-Type": METRICS_TYPE });
    const body = await deps.metrics();
    if (body === null) {
      return c.text("Too many concurrent scrapes; retry later\n", 503, { "Retry-After": "1" });
    }
    return c.body(body, 200, { "Content-Type": METRICS_TYPE });
  });
  if (deps.probe) addProbeRoute(app, deps.probe);
  app.get("/healthz", (c) => c.text("ok\n"));
  app.get("/readyz", (c) => deps.ready() ? c.text("ready\n") : c.text("not ready\n", 503));
  app.post("/-/reload", async (c) => {
    const result = await deps.reload();
    return c.json(result, result.ok ? 200 : 400);
  });
  app.get("/api/v1/targets", (c) => c.json(deps.targets()));
  app.get("/api/v1/status", (c) => c.json(deps.status()));
  deps.pages?.(app);
  app.notFound((c) => c.text(`Not found: ${c.req.path}\n`, 404));
  app.onError((e, c) => c.text(`Internal error: ${e.message}\n`, 500));
  return app;
}
