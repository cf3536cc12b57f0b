/**
 * `POST /-/reload` under concurrent requests while the config file changes: every answer is the
 * outcome of a reload that read the file after the request arrived (requests that come while a
 * reload runs wait for the next one and share its outcome), and reloads stay fewer than requests.
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, writeConfig } from "../_support/agent_process.ts";
import { tempDir } from "../_support/temp_dir.ts";

const ROUNDS = 30;
const PER_ROUND = 20;

const good = (wal: string) => `
agent: {listen: "127.0.0.1:0", log: {format: json}}
defaults: {interval: 1m}
probes: {tcp: {type: tcp, port: 1}}
wal: {dir: ${wal}}
`;
/** A config whose error names its round: `probes.tcp.port: ... got 100007`. */
const bad = (wal: string, round: number) =>
  good(wal).replace("port: 1}", `port: ${100000 + round}}`);

/** Replaces the file in one step (temp file, rename), as editors and config managers do. */
async function replaceFile(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(`${path}.tmp`, text);
  await Deno.rename(`${path}.tmp`, path);
}

Deno.test("agent run: each POST /-/reload answer comes from a read of the file after the request", async () => {
  await using tmp = await tempDir();
  const wal = tmp.path;
  const path = await writeConfig(good(wal));
  await using agent = await startAgentProcess(path);
  const post = async () => {
    const res = await fetch(`${agent.url}/-/reload`, { method: "POST" });
    return { status: res.status, body: await res.json() as { ok: boolean; error?: string } };
  };

  // One at a time: a bad file gives 400 with its error, a good one 200.
  await replaceFile(path, bad(wal, 0));
  const rejected = await post();
  assert.equal(rejected.status, 400);
  assert.match(
    rejected.body.error!,
    /vmprober\.yaml:4:\d+: probes\.tcp\.port: expected a port number 1-65535, got 100000$/,
  );
  await replaceFile(path, good(wal));
  assert.deepEqual(await post(), { status: 200, body: { ok: true } });

  // Rounds of concurrent requests, the file replaced before each round: an answer to a request
  // sent after round i's file was in place must come from round i's file or a later one. Every
  // round's file is bad, so a 200 would be the good file of before round 1: a stale read.
  const answers: Promise<{ round: number; status: number; seen: number }>[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await replaceFile(path, bad(wal, round));
    for (let i = 0; i < PER_ROUND; i++) {
      answers.push(
        post().then(({ status, body }) => {
          const m = /got (\d+)$/.exec(body.error ?? "");
          return { round, status, seen: m ? Number(m[1]) - 100000 : -1 };
        }),
      );
    }
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 15)));
  }
  for (const a of await Promise.all(answers)) {
    assert.equal(a.status, 400, `round ${a.round}: ${a.status}`);
    assert.ok(a.seen >= a.round, `round ${a.round} answered from round ${a.seen}'s file`);
  }
  await replaceFile(path, good(wal));
  assert.deepEqual(await post(), { status: 200, body: { ok: true } });

  const metrics = await (await fetch(`${agent.url}/metrics`)).text();
  const reloads = (metricValue(metrics, "vmprober_config_reloads_total", { result: "success" }) ??
    0) + (metricValue(metrics, "vmprober_config_reloads_total", { result: "failure" }) ?? 0);
  const requests = ROUNDS * PER_ROUND + 3;
  console.log(`${requests} requests, ${reloads} reloads`);
  assert.ok(reloads >= ROUNDS / 2, `${reloads} reloads`);
  assert.ok(reloads < requests / 2, `${reloads} reloads for ${requests} requests`);
});
