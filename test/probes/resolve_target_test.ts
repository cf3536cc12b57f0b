import assert from "node:assert/strict";
import { resolveTarget } from "../../src/probes/resolve_target.ts";
import type { Resolver } from "../../src/net/resolver.ts";

const job = (host: string) => ({ host, ipProtocol: "auto" as const, options: {} });
const failing = (error: unknown): Resolver => ({ resolve: () => Promise.reject(error) });

Deno.test("resolveTarget() gives the address and passes the module's dns_server", async () => {
  const seen: unknown[] = [];
  const resolver: Resolver = {
    resolve: (host, protocol, _signal, options) => {
      seen.push({ host, protocol, server: options?.server });
      return Promise.resolve({ ip: "127.0.0.9", family: 4 });
    },
  };
  const got = await resolveTarget(
    resolver,
    { host: "a.test", ipProtocol: "ip4", options: { dns_server: "127.0.0.1:5353" } },
    new AbortController().signal,
  );
  assert.deepEqual(got, { ok: true, resolved: { ip: "127.0.0.9", family: 4 } });
  assert.deepEqual(seen, [{
    host: "a.test",
    protocol: "ip4",
    server: { ip: "127.0.0.1", port: 5353, family: 4 },
  }]);
});

Deno.test("resolveTarget() turns every failure into a reason and a detail naming the host", async () => {
  const signal = new AbortController().signal;
  const nx = Object.assign(new Error("no such host (NXDOMAIN)"), { name: "DnsError" });
  assert.deepEqual(await resolveTarget(failing(nx), job("x.test"), signal), {
    ok: false,
    reason: "dns",
    detail: "Cannot resolve x.test: no such host (NXDOMAIN)",
  });
  // An error of no known kind is still a name-resolution failure here.
  assert.deepEqual(await resolveTarget(failing(new Error("odd")), job("y.test"), signal), {
    ok: false,
    reason: "dns",
    detail: "Cannot resolve y.test: odd",
  });
  const late = new DOMException("deadline", "TimeoutError");
  assert.deepEqual(await resolveTarget(failing(late), job("z.test"), signal), {
    ok: false,
    reason: "timeout",
    detail: "Cannot resolve z.test: deadline",
  });
  assert.deepEqual(await resolveTarget(failing("text"), job("w.test"), signal), {
    ok: false,
    reason: "dns",
    detail: "Cannot resolve w.test: text",
  });
});
