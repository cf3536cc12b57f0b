import assert from "node:assert/strict";
import { overviewCards, type OverviewInput } from "../../../src/http/status/overview.ts";

const NOW = 1_767_225_600_000;

function input(status: Record<string, unknown>, over: Partial<OverviewInput> = {}): OverviewInput {
  return {
    status,
    labels: { site: "fra1" },
    icmpHelpers: [],
    walMaxBytes: 1000,
    startedMs: NOW - 90_000,
    nowMs: NOW,
    counts: { up: 3, down: 0, pending: 0 },
    ...over,
  };
}
const levels = (i: OverviewInput) =>
  Object.fromEntries(overviewCards(i).map((c) => [c.id, c.level]));
const card = (i: OverviewInput, id: string) => overviewCards(i).find((c) => c.id === id)!;

Deno.test("overviewCards() on an empty status object shows every part as off or ok, no crash", () => {
  assert.deepEqual(levels(input({})), {
    agent: "ok",
    config: "ok",
    targets: "ok",
    icmp: "off",
    wal: "off",
    push: "off",
  });
  assert.deepEqual(card(input({}), "agent").lines[0], ["uptime", "1m 30s"]);
  assert.deepEqual(card(input({}), "agent").chips, [["site", "fra1"]]);
});

Deno.test("overviewCards() turns config red on a failed reload and shows the error", () => {
  const i = input({
    config: {
      path: "/etc/v.yaml",
      last_reload: {
        time: new Date(NOW - 5000).toISOString(),
        ok: false,
        error: "v.yaml:3:1: x: bad",
      },
    },
  });
  const c = card(i, "config");
  assert.equal(c.level, "error");
  assert.deepEqual(c.lines, [
    ["file", "/etc/v.yaml"],
    ["last reload", "failed, 5s ago"],
    ["error", "v.yaml:3:1: x: bad"],
    ["running", "the previous config"],
  ]);
});

Deno.test("overviewCards() colours push by consecutive failures and shows the last error", () => {
  const push = (f: number) =>
    card(
      input({
        push: {
          url: "http://vm:8428",
          consecutive_failures: f,
          last_success_timestamp_seconds: (NOW - 65_000) / 1000,
          backlog_samples: 12345,
          last_error: "HTTP 503",
        },
      }),
      "push",
    );
  assert.equal(push(0).level, "ok");
  const fresh = card(
    input({ push: { consecutive_failures: 0, last_success_timestamp_seconds: null } }),
    "push",
  );
  assert.deepEqual([fresh.level, fresh.value], ["off", "no push yet"]);
  assert.equal(push(0).value, "healthy");
  assert.equal(push(4).level, "warn");
  assert.equal(push(5).level, "error");
  assert.deepEqual(push(5).lines, [
    ["url", "http://vm:8428"],
    ["last success", "1m 5s ago"],
    ["backlog", "12,345 samples"],
    ["retries in a row", "5"],
    ["last error", "HTTP 503"],
  ]);
});

Deno.test("overviewCards() colours the WAL: disk full red, past 80 % of max_size or corrupt yellow", () => {
  const wal = (w: Record<string, unknown>) =>
    card(input({ wal: { segments: 2, pending_samples: 7, bytes: 100, ...w } }), "wal");
  assert.equal(wal({}).level, "ok");
  assert.deepEqual(wal({}).lines[2], ["disk use", "100 B of 1000 B"]);
  assert.equal(wal({ bytes: 801 }).level, "warn");
  assert.equal(wal({ corrupt_records: 1 }).level, "warn");
  assert.equal(wal({ disk_full: true }).level, "error");
  assert.equal(wal({ disk_full: true }).value, "disk full");
});

Deno.test("overviewCards() shows the ICMP helper (ping fallback yellow) and failing sources red", () => {
  assert.equal(
    card(input({}, { icmpHelpers: [{ helper: "socket", family: "4" }] }), "icmp").level,
    "ok",
  );
  const ping = card(
    input({}, { icmpHelpers: [{ helper: "ping", family: "4" }, { helper: "ping", family: "6" }] }),
    "icmp",
  );
  assert.equal(ping.level, "warn");
  assert.equal(ping.value, "ping");
  const t = card(
    input({
      sources: [{ name: "cmdb", state: "failing", lastError: "HTTP 500" }, {
        name: "s",
        state: "ok",
      }],
    }, {
      counts: { up: 1, down: 2, pending: 0 },
    }),
    "targets",
  );
  assert.equal(t.level, "error");
  assert.deepEqual(t.lines, [["up / down / pending", "1 / 2 / 0"], ["sources", "2, 1 failing"], [
    "cmdb",
    "HTTP 500",
  ]]);
  assert.equal(
    card(input({}, { counts: { up: 1, down: 2, pending: 0 } }), "targets").level,
    "warn",
  );
});

Deno.test("overviewCards() shows this agent's cluster share on the agent card", () => {
  const none = card(input({}), "agent").lines.map((l) => l[0]);
  assert.ok(!none.includes("cluster"));
  const i = input({
    cluster: { members: 3, member: 1, replication: 2, jobs_kept: 667, jobs_skipped: 333 },
  });
  assert.deepEqual(card(i, "agent").lines.at(-1), [
    "cluster",
    "member 1 of 3, replication 2: 667 jobs here, 333 on others",
  ]);
});

Deno.test("overviewCards() shows one push card per destination when there are several", () => {
  const d = (name: string, failures: number) => ({
    name,
    url: `http://${name}/api/v1/write`,
    consecutive_failures: failures,
    last_success_timestamp_seconds: (NOW - 2000) / 1000,
    backlog_samples: failures * 100,
  });
  const two = input({ push: d("a", 0), push_destinations: [d("a", 0), d("b", 7)] });
  assert.deepEqual(
    overviewCards(two).filter((c) => c.id.startsWith("push")).map((c) => [c.id, c.title, c.level]),
    [["push-0", "Push a", "ok"], ["push-1", "Push b", "error"]],
  );
  const one = input({ push: d("a", 0), push_destinations: [d("a", 0)] });
  assert.equal(card(one, "push").title, "Push");
});
