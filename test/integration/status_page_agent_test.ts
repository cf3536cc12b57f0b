/**
 * The status page of the real agent process, read over HTTP without a browser: a reload that
 * removes a target removes its row and its page (the history ring forgets it), a failed reload
 * turns the config card red with the error, and a push endpoint that refuses connections turns
 * the push card yellow, then red, and a recovered push turns it green.
 */
import assert from "node:assert/strict";
import { startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { closedPort, tcpPeer } from "../_support/tcp_servers.ts";
import { startPushServer } from "../_support/push_server.ts";
import { tempDir } from "../_support/temp_dir.ts";

const level = (html: string, card: string) =>
  new RegExp(`id="card-${card}" data-level="(\\w+)"`).exec(html)?.[1];

Deno.test("status page: a reload drops a removed target's row and page; a bad one shows red", async () => {
  await using peer = tcpPeer((c) => c.close());
  await using tmp = await tempDir();
  const dir = tmp.path;
  const yaml = (targets: string[]) => `
agent: {listen: "127.0.0.1:0", log: {format: text}, history: {window: 1m, step: 1s}}
defaults: {interval: 500ms, timeout: 300ms}
probes: {tcp: {type: tcp}}
targets:
  - static: {targets: [${targets.map((t) => `"${t}"`).join(", ")}]}
    probes: [tcp]
wal: {dir: ${dir}/wal}
`;
  const a = `127.0.0.1:${peer.port}`, b = `localhost:${peer.port}`;
  const config = await writeConfig(yaml([a, b]), dir);
  await using agent = await startAgentProcess(config);
  const page = (q: string) => `/target?probe=tcp&target=${encodeURIComponent(q)}`;
  await waitFor("both targets up", async () => {
    const html = (await agent.get("/?status=up")).text;
    return html.includes('data-matched="2"') ? true : undefined;
  });
  assert.match((await agent.get(page(b))).text, /data-points="[1-9]/);

  await Deno.writeTextFile(config, yaml([a]));
  const reload = await fetch(`${agent.url}/-/reload`, { method: "POST" });
  assert.deepEqual(await reload.json(), { ok: true });
  const index = (await agent.get("/")).text;
  assert.match(index, /data-matched="1"/);
  assert.ok(!index.includes(`>${b}<`));
  assert.equal((await agent.get(page(b))).status, 404);
  assert.equal((await agent.get(page(a))).status, 200);

  await Deno.writeTextFile(config, yaml([a]).replace("interval: 500ms", "interval: fast"));
  const bad = await fetch(`${agent.url}/-/reload`, { method: "POST" });
  assert.equal(bad.status, 400);
  await bad.body?.cancel();
  const after = (await agent.get("/")).text;
  assert.equal(level(after, "config"), "error");
  assert.match(after, /expected a duration like &quot;5s&quot;, got &quot;fast&quot;/);
  assert.match(after, /the previous config/);
});

/**
 * The agent probing one closed port every 200 ms, its WAL in `dir` (`wal` appended to its
 * settings), pushing with `push` and a backoff of 50 ms to 200 ms.
 */
async function startPushingAgent(dir: string, wal: string, push: string) {
  const config = await writeConfig(
    `
agent: {listen: "127.0.0.1:0", log: {format: text}}
defaults: {interval: 200ms, timeout: 200ms}
probes: {tcp: {type: tcp}}
targets:
  - static: {targets: ["127.0.0.1:${closedPort()}"]}
    probes: [tcp]
wal: {dir: ${dir}/wal${wal}}
push: {${push}, min_backoff: 50ms, max_backoff: 200ms}
`,
    dir,
  );
  return await startAgentProcess(config);
}

Deno.test("status page: push to a closed port turns the push card yellow, then red", async () => {
  await using tmp = await tempDir();
  await using agent = await startPushingAgent(
    tmp.path,
    "",
    `url: "http://127.0.0.1:${closedPort()}/api/v1/write", timeout: 1s`,
  );
  const levels = new Set<string>();
  const html = await waitFor("push card red", async () => {
    const text = (await agent.get("/")).text;
    levels.add(level(text, "push") ?? "none");
    return level(text, "push") === "error" ? text : undefined;
  });
  assert.ok(!levels.has("ok"), `levels seen: ${[...levels]}`);
  assert.match(html, /<dt>last success<\/dt><dd>never<\/dd>/);
  assert.match(html, /<dt>retries in a row<\/dt><dd>([5-9]|\d\d+)<\/dd>/);
  assert.match(html, /<dt>last error<\/dt><dd>[^<]+<\/dd>/);
  assert.equal(level(html, "wal"), "ok");
  assert.equal(level(html, "targets"), "warn"); // the closed port is down
});

Deno.test("status page: push recovering from two 503s ends with a green push card and 0 retries", async () => {
  await using server = startPushServer([{ status: 503 }, { status: 503 }]);
  await using tmp = await tempDir();
  await using agent = await startPushingAgent(
    tmp.path,
    ", fsync_interval: 50ms",
    `url: "${server.url}/api/v1/write"`,
  );
  const seen: string[] = [];
  const html = await waitFor("push card green", async () => {
    const text = (await agent.get("/")).text;
    const l = level(text, "push") ?? "none";
    if (seen.at(-1) !== l) seen.push(l);
    return l === "ok" ? text : undefined;
  });
  assert.ok(server.requests.length >= 3);
  assert.match(html, /<div class="v">healthy<\/div>/);
  assert.match(html, /<dt>retries in a row<\/dt><dd>0<\/dd>/);
  assert.ok(!seen.includes("error"), `levels seen: ${seen}`);
});
