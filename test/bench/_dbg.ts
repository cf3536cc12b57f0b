import { DENO, denoFlags, writeConfig } from "../_support/agent_process.ts";
import { startSdHttpServer } from "../_support/sd_http_server.ts";
import { bigSdBody } from "../_support/big_sd.ts";
const server = startSdHttpServer({ kind: "ok", body: bigSdBody(200000) });
const dir = await Deno.makeTempDir();
const config = await writeConfig(
  `
agent: {listen: "127.0.0.1:0", log: {level: info, format: text}}
defaults: {interval: 1h, timeout: 100ms}
probes:
  tcp: {type: tcp, port: 9}
targets:
  - name: cmdb
    http: {url: "${server.url}", refresh: 1h, timeout: 30s, max_bytes: 64MiB, max_targets: 2000000}
    probes: [tcp]
wal: {dir: ${dir}/wal}
`,
  dir,
);
const child = new Deno.Command(DENO, {
  args: [
    "run",
    "--cpu-prof",
    "--cpu-prof-dir=/tmp/agentprof",
    ...denoFlags(),
    "src/main.ts",
    "run",
    "--config",
    config,
  ],
  stderr: "inherit",
  stdout: "inherit",
}).spawn();
await new Promise((r) => setTimeout(r, Number(Deno.args[0] ?? 25000)));
child.kill("SIGTERM");
await child.status;
await server[Symbol.asyncDispose]();
