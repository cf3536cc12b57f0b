/**
 * @module A remote-write proxy for crash tests: forwards requests to a real receiver, and once
 * `state.swallow` is set (by the test, or after `swallowAfter` forwarded) answers none any more,
 * so the agent never hears back about batches the receiver took.
 */

/** Options of {@linkcode forwardingProxy}. */
export interface ForwardingProxyOptions {
  /** A seeded random delay of 0 to this many ms before each request goes on (a later one may
   * overtake an earlier one). Default 0: none. */
  maxDelayMs?: number;
  /** Set `swallow` once this many were forwarded. Default never (the test sets it). */
  swallowAfter?: number;
  /** While swallowing, hold back every other request (never forwarded; 503 at disposal) and
   * forward the rest unanswered. Default false: forward each, answer none. */
  holdEveryOther?: boolean;
}

/** Forwards remote-write requests to `upstream` (see the module doc); dispose to stop it. */
export function forwardingProxy(upstream: string, options: ForwardingProxyOptions = {}) {
  const { maxDelayMs = 0, swallowAfter = Infinity, holdEveryOther = false } = options;
  const hung: (() => void)[] = [];
  const state = {
    swallow: false,
    forwarded: 0,
    /** Forwarded, never answered. */
    swallowed: 0,
    /** Never forwarded (holdEveryOther). */
    held: 0,
    inFlight: 0,
    maxInFlight: 0,
  };
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const hang = () => new Promise<void>((resolve) => hung.push(resolve));
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
    try {
      const body = new Uint8Array(await req.arrayBuffer());
      if (maxDelayMs > 0) await new Promise((r) => setTimeout(r, random() * maxDelayMs));
      if (state.forwarded >= swallowAfter) state.swallow = true;
      if (state.swallow && holdEveryOther && (state.swallowed + state.held) % 2 === 0) {
        state.held++;
        await hang();
        return new Response("stopped", { status: 503 });
      }
      const r = await fetch(upstream, { method: "POST", headers: req.headers, body });
      const text = await r.text();
      state.forwarded++;
      if (state.swallow) {
        state.swallowed++;
        await hang();
      }
      return new Response(r.status === 204 ? null : text, { status: r.status });
    } finally {
      state.inFlight--;
    }
  });
  return {
    state,
    url: `http://127.0.0.1:${server.addr.port}/api/v1/write`,
    async [Symbol.asyncDispose]() {
      for (const h of hung) h();
      await server.shutdown();
    },
  };
}
