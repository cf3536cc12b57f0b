import assert from "node:assert/strict";
import { gauge, runHttp } from "./_run.ts";

/**
 * A listener whose accept queue is full (backlog 0, two connections never accepted): the kernel
 * drops further SYNs, so a connect hangs until the prober gives up.
 */
async function fullListener(): Promise<{ port: number } & AsyncDisposable> {
  const child = new Deno.Command("/usr/bin/python3", {
    args: [
      "-c",
      `
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)
held = []
for _ in range(3):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(s.getsockname())
    except BlockingIOError: pass
    held.append(c)
time.sleep(0.3)
print(s.getsockname()[1], flush=True)
sys.stdin.read()
`,
    ],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const port = Number(new TextDecoder().decode(value).trim());
  return {
    port,
    async [Symbol.asyncDispose]() {
      await child.stdin.close();
      await child.stdout.cancel();
      await child.status;
    },
  };
}

Deno.test("http probe: a connect that hangs ends at the probe's timeout", async () => {
  await using l = await fullListener();
  const t0 = performance.now();
  const o = await runHttp(`http://127.0.0.1:${l.port}/`, {}, 400);
  const ms = performance.now() - t0;
  assert.equal(o.success, false);
  assert.equal(o.reason, "timeout");
  assert.equal(o.detail, "probe timed out");
  assert.ok(ms < 1500, `ended after ${ms} ms`);
  assert.equal(gauge(o, "probe_http_status_code"), 0);
});
