/**
 * The real agent process with a web config (`--web.config.file`): HTTPS with a certificate made by
 * openssl, basic auth with bcrypt hashes, bad web configs, and `POST /-/reload` from a peer outside
 * loopback (a network namespace joined by a veth pair: the peer's address is 198.18.N.2).
 */
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { metricValue, startAgentProcess, writeConfig } from "../_support/agent_process.ts";
import { createNetnsLab } from "../_support/netns_lab.ts";
import { DENO, denoFlags } from "../_support/agent_process.ts";
import { caSignedCert } from "../_support/self_signed_cert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

const AGENT_YAML = (dir: string, listen = "127.0.0.1:0") => `
agent: {listen: "${listen}", log: {level: info, format: text}}
probes: {t: {type: tcp, port: 9}}
targets: []
wal: {dir: ${dir}/wal}
`;

Deno.test("web config: HTTPS with the certificate; no or a wrong password is 401, the right one 200", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober-web-" });
  const cert = (await caSignedCert(dir)).ca;
  const hash = bcrypt.hashSync("s3cret", 4);
  await Deno.writeTextFile(
    `${dir}/web.yml`,
    `tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\nbasic_auth_users:\n  prom: "${hash}"\n`,
  );
  const config = await writeConfig(AGENT_YAML(dir), dir);
  await using agent = await startAgentProcess(config, {
    args: ["--web.config.file", `${dir}/web.yml`],
  });
  assert.match(agent.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  using client = Deno.createHttpClient({ caCerts: [cert] });
  const get = async (path: string, auth?: string) => {
    const res = await fetch(agent.url + path, {
      client,
      headers: auth ? { Authorization: `Basic ${btoa(auth)}` } : {},
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  const none = await get("/metrics");
  assert.equal(none.status, 401);
  assert.equal(none.headers.get("WWW-Authenticate"), 'Basic realm="vmprober", charset="UTF-8"');
  const wrong = await get("/metrics", "prom:wrong");
  assert.equal(wrong.status, 401);
  assert.match(wrong.headers.get("WWW-Authenticate")!, /^Basic /);
  assert.equal((await get("/metrics", "nobody:s3cret")).status, 401);
  const good = await get("/metrics", "prom:s3cret");
  assert.equal(good.status, 200);
  assert.equal(
    metricValue(good.text, "vmprober_http_requests_refused_total", { reason: "missing" }),
    1,
  );
  assert.equal(
    metricValue(good.text, "vmprober_http_requests_refused_total", { reason: "bad_credentials" }),
    2,
  );
  // Authenticated, a reload is allowed (loopback or not).
  const reload = await fetch(agent.url + "/-/reload", {
    method: "POST",
    client,
    headers: { Authorization: `Basic ${btoa("prom:s3cret")}` },
  });
  assert.equal(reload.status, 200);
  await reload.body?.cancel();
  const status = JSON.parse((await get("/api/v1/status", "prom:s3cret")).text);
  assert.deepEqual(status.web, { file: `${dir}/web.yml`, tls: true, basic_auth: true });
  // Plain HTTP to the TLS port gets no answer.
  await assert.rejects(fetch(agent.url.replace("https:", "http:") + "/healthz"));
  assert.equal(await agent.stop(), 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("web config: a bad one exits 1 with file:line:col, before anything starts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober-web-" });
  const config = await writeConfig(AGENT_YAML(dir), dir);
  const cases: [string, string][] = [
    [
      `basic_auth_users:\n  prom: "plain-password"\n`,
      `${dir}/web.yml:2:9: basic_auth_users.prom: expected a bcrypt hash like "$2y$10$" followed by 53 characters, got "plain-password"`,
    ],
    [
      `tls_server_config:\n  cert_file: missing.pem\n  key_file: ${dir}/vmprober.yaml\n`,
      `${dir}/web.yml:2:14: tls_server_config.cert_file: Cannot read "missing.pem": no such file\n` +
      `${dir}/web.yml:3:13: tls_server_config.key_file: expected a PEM private key in "${dir}/vmprober.yaml", got none`,
    ],
    [
      `tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n`,
      `${dir}/web.yml:4:21: tls_server_config.client_auth_type: expected "NoClientCert" (Deno's TLS server cannot request client certificates), got "RequireAndVerifyClientCert"`,
    ],
    [
      `basic_auth_user: {}\n`,
      `${dir}/web.yml:1:1: basic_auth_user: unknown key "basic_auth_user" (did you mean "basic_auth_users"?)`,
    ],
  ];
  for (const [web, expected] of cases) {
    await Deno.writeTextFile(`${dir}/web.yml`, web);
    const out = await new Deno.Command(DENO, {
      args: [
        "run",
        ...denoFlags(),
        `${ROOT}src/main.ts`,
        "run",
        "--config",
        config,
        "--web.config.file",
        `${dir}/web.yml`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(new TextDecoder().decode(out.stderr).trim(), expected);
    assert.equal(out.code, 1);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("web config: without users, POST /-/reload and /probe from outside loopback are 403; from loopback 200", async () => {
  await using lab = await createNetnsLab();
  const dir = await Deno.makeTempDir({ prefix: "vmprober-web-" });
  const hostIp = lab.ip4.replace(/\.2$/, ".1");
  const config = await writeConfig(AGENT_YAML(dir, "0.0.0.0:0"), dir);
  await using agent = await startAgentProcess(config);
  const port = new URL(agent.url).port;
  const curl = (method: string, path: string) =>
    lab.exec([
      "curl",
      "-s",
      "-X",
      method,
      "-w",
      "\\n%{http_code}",
      `http://${hostIp}:${port}${path}`,
    ]);
  assert.equal(
    await curl("POST", "/-/reload"),
    `Forbidden: /-/reload is allowed from loopback only unless authenticated (peer ${lab.ip4}; ` +
      "set basic_auth_users in the web config to allow it)\n\n403",
  );
  assert.match(await curl("GET", "/healthz"), /^ok\n\n200$/);
  assert.equal(
    await curl("GET", "/probe?target=127.0.0.1:9&module=t"),
    `Forbidden: /probe is allowed from loopback only unless authenticated (peer ${lab.ip4}; ` +
      "set basic_auth_users in the web config to allow it)\n\n403",
  );
  const probe = await fetch(`http://127.0.0.1:${port}/probe?target=127.0.0.1:9&module=t`);
  assert.equal(probe.status, 200, await probe.clone().text());
  assert.match(await probe.text(), /probe_success 0/);
  const local = await fetch(`http://127.0.0.1:${port}/-/reload`, { method: "POST" });
  assert.equal(local.status, 200);
  assert.deepEqual(await local.json(), { ok: true });
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  assert.equal(
    metricValue(metrics, "vmprober_http_requests_refused_total", { reason: "not_loopback" }),
    2,
  );
  assert.equal(await agent.stop(), 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("web config: a flood of bad passwords gets 429 past 2 checks at once; cached good ones pass", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober-web-" });
  const hash = bcrypt.hashSync("s3cret", 10);
  await Deno.writeTextFile(`${dir}/web.yml`, `basic_auth_users:\n  prom: "${hash}"\n`);
  const config = await writeConfig(AGENT_YAML(dir), dir);
  await using agent = await startAgentProcess(config, {
    args: ["--web.config.file", `${dir}/web.yml`],
  });
  const get = async (auth: string) => {
    const res = await fetch(agent.url + "/healthz", {
      headers: { Authorization: `Basic ${btoa(auth)}` },
    });
    await res.body?.cancel();
    return res.status;
  };
  assert.equal(await get("prom:s3cret"), 200); // now cached
  const flood = await Promise.all(Array.from({ length: 40 }, (_, i) => get(`prom:bad${i}`)));
  const n = (status: number) => flood.filter((s) => s === status).length;
  assert.equal(n(401) + n(429), 40, String(flood));
  assert.ok(n(429) >= 20, `only ${n(429)} of 40 throttled`);
  assert.equal(await get("prom:s3cret"), 200);
  const metrics = await (await fetch(agent.url + "/metrics", {
    headers: { Authorization: `Basic ${btoa("prom:s3cret")}` },
  })).text();
  const refused = (reason: string) =>
    metricValue(metrics, "vmprober_http_requests_refused_total", { reason });
  assert.equal(refused("throttled"), n(429));
  assert.equal(refused("bad_credentials"), n(401));
  assert.equal(await agent.stop(), 0);
  await Deno.remove(dir, { recursive: true });
});
