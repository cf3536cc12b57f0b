/**
 * The real agent pushing to VictoriaMetrics cluster tenant URLs: a vminsert stand-in checks the
 * path (`/insert/42:7/...`) and, on the multitenant endpoint, the `vm_account_id` /
 * `vm_project_id` labels from `push.extra_labels`; and Debian's vmauth in front of a real
 * VictoriaMetrics, with a user, a password and a tenant-style route (url_prefix).
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { tcpPeer } from "../_support/tcp_servers.ts";
import { startVminsertStandIn } from "../_support/vminsert_stand_in.ts";
import { startVictoriaMetrics } from "../_support/vm_server.ts";
import { startVmauth } from "../_support/vmauth_server.ts";
import { tempDir } from "../_support/temp_dir.ts";

function config(target: string, push: string, dir: string): string {
  return [
    "agent: {listen: 127.0.0.1:0, log: {format: text}, labels: {site: tenant}}",
    "defaults: {interval: 200ms, timeout: 1s}",
    "probes: {tcp: {type: tcp}}",
    `targets:\n  - static: {targets: ["${target}"]}\n    probes: [tcp]`,
    `wal: {dir: ${dir}/wal, fsync: never}`,
    `push: {${push}, min_backoff: 50ms, max_backoff: 500ms}`,
    "",
  ].join("\n");
}

/** The labels of the `probe_success` series of `target` that {@linkcode config} makes. */
function successLabels(target: string): Record<string, string> {
  return {
    __name__: "probe_success",
    instance: target,
    job: "tcp",
    probe: "tcp",
    site: "tenant",
    target,
    type: "tcp",
  };
}

Deno.test({
  name: "agent pushes to /insert/42:7/... and to /insert/multitenant/... with tenant labels",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using peer = tcpPeer();
    await using vminsert = startVminsertStandIn();
    const target = `127.0.0.1:${peer.port}`;
    await using t1 = await tempDir({ prefix: "vmprober-tenant-" });
    await using t2 = await tempDir({ prefix: "vmprober-tenant-" });
    const [d1, d2] = [t1.path, t2.path];
    const url1 = `${vminsert.base}/insert/42:7/prometheus/api/v1/write`;
    const url2 = `${vminsert.base}/insert/multitenant/prometheus/api/v1/write`;
    await using a1 = await startAgentProcess(
      await writeConfig(config(target, `url: "${url1}"`, d1), d1),
    );
    await using a2 = await startAgentProcess(
      await writeConfig(
        config(
          target,
          `url: "${url2}", extra_labels: {vm_account_id: 5, vm_project_id: 3, team: net}`,
          d2,
        ),
        d2,
      ),
    );
    const tenants = () => new Set(vminsert.samples.map((s) => s.tenant));
    await waitFor("samples of both tenants", () => tenants().size === 2 || undefined, 20_000);
    await a1.stop();
    await a2.stop();
    assert.deepEqual(
      new Set(vminsert.requests.map((r) => r.path)),
      new Set([
        "/insert/42:7/prometheus/api/v1/write",
        "/insert/multitenant/prometheus/api/v1/write",
      ]),
    );
    assert.ok(vminsert.requests.every((r) => r.status === 204));
    assert.deepEqual(tenants(), new Set(["42:7", "5:3"]));
    const success = vminsert.samples.filter((s) => s.labels.__name__ === "probe_success");
    for (const s of success) {
      const expected = successLabels(target);
      if (s.tenant === "5:3") expected.team = "net";
      assert.deepEqual(s.labels, expected);
      assert.equal(s.value, 1);
    }
  },
});

Deno.test({
  name: "agent pushes through vmauth (basic auth, url_prefix route) into a real VictoriaMetrics",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using vm = await startVictoriaMetrics();
    // The route a cluster would send to vminsert's /insert/<tenant>/prometheus; single-node
    // VictoriaMetrics serves the same /prometheus/api/v1/write path.
    await using auth = await startVmauth([
      "users:",
      "  - username: edge",
      "    password: s3cret-pw",
      "    url_map:",
      '      - src_paths: ["/api/v1/write"]',
      `        url_prefix: "${vm.base}/prometheus"`,
      "",
    ].join("\n"));
    await using peer = tcpPeer();
    const target = `127.0.0.1:${peer.port}`;
    await using tmp = await tempDir({ prefix: "vmprober-vmauth-" });
    const dir = tmp.path;
    await Deno.writeTextFile(`${dir}/good`, "s3cret-pw\n");
    await Deno.writeTextFile(`${dir}/bad`, "wrong\n");
    const push = (file: string) =>
      `url: "${auth.base}/api/v1/write", basic_auth: {username: edge, password_file: ${dir}/${file}}`;
    await Deno.mkdir(`${dir}/g`);
    await Deno.mkdir(`${dir}/b`);
    await using good = await startAgentProcess(
      await writeConfig(config(target, push("good"), `${dir}/g`), `${dir}/g`),
    );
    await using bad = await startAgentProcess(
      await writeConfig(config("127.0.0.2:1", push("bad"), `${dir}/b`), `${dir}/b`),
    );
    const series = await waitFor("the probe series through vmauth", async () => {
      const s = await vm.exportSeries('{__name__="probe_success"}');
      return s.length > 0 && s[0]!.values.length >= 3 ? s : undefined;
    }, 20_000);
    assert.deepEqual(series.map((s) => s.metric), [successLabels(target)]);
    assert.ok(series[0]!.values.every((v) => v === 1));
    const rejected = await waitFor("the wrong password's batch dropped", async () => {
      const m = await bad.metrics();
      const n = metricValue(m, "vmprober_push_dropped_samples_total", { reason: "rejected" });
      return n !== undefined && n > 0 ? m : undefined;
    });
    // vmauth of Debian's 1.79 answers an unknown user/password with 400 (a missing header 401):
    // a 4xx, so the batch is dropped and counted, never retried forever.
    assert.ok(metricValue(rejected, "vmprober_push_requests_total", { status: "400" })! > 0);
    assert.equal(
      metricValue(rejected, "vmprober_push_requests_total", { status: "204" }),
      undefined,
    );
    assert.ok(
      metricValue(await good.metrics(), "vmprober_push_requests_total", { status: "204" })! > 0,
    );
    // Nothing of the rejected agent's target reached VictoriaMetrics.
    assert.deepEqual(await vm.exportSeries('{target="127.0.0.2:1"}'), []);
  },
});
