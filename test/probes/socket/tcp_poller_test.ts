import assert from "node:assert/strict";
import { ABORTED, acquireTcpPoller, TIMED_OUT } from "../../../src/probes/socket/tcp_poller.ts";
import { encodeSockaddr } from "../../../src/probes/icmp/sockaddr.ts";
import { closedPort, tcpPeer } from "../../_support/tcp_servers.ts";
import { synDropPeer } from "../../_support/syn_drop_peer.ts";

const sockaddr = (ip: string, port: number) => {
  const sa = encodeSockaddr(ip, ip.includes(":") ? 6 : 4);
  sa[2] = port >> 8;
  sa[3] = port & 0xff;
  return sa;
};
const never = new AbortController().signal;
/** Open file descriptors of this process. */
const fds = () => [...Deno.readDirSync("/proc/self/fd")].length;

for (const ip of ["127.0.0.1", "::1"]) {
  Deno.test(`TcpPoller.connect() to ${ip}: connected, refused, timed out at the timeout`, async () => {
    await using open = tcpPeer(undefined, ip);
    await using dropping = await synDropPeer(ip);
    const poller = acquireTcpPoller();
    try {
      const t0 = performance.now();
      const ok = await poller.connect(sockaddr(ip, open.port), 500, never);
      assert.equal(ok.errno, 0);
      assert.ok(ok.endMs > t0 && ok.endMs - t0 < 500, `${ok.endMs - t0}`);
      const refused = await poller.connect(sockaddr(ip, closedPort()), 500, never);
      assert.equal(refused.errno, 111);
      assert.equal(poller.errorText(111), "Connection refused");
      const t1 = performance.now();
      const late = await poller.connect(sockaddr(ip, dropping.port), 200, never);
      assert.equal(late.errno, TIMED_OUT);
      assert.ok(late.endMs - t1 >= 199 && late.endMs - t1 < 400, `${late.endMs - t1}`);
      assert.equal(poller.pending, 0);
    } finally {
      await poller.release();
    }
  });
}

Deno.test("TcpPoller.connect() that completes later settles through the waiting thread", async () => {
  await using dropping = await synDropPeer();
  const poller = acquireTcpPoller();
  try {
    const t0 = performance.now();
    const late = poller.connect(sockaddr("127.0.0.1", dropping.port), 5000, never);
    // The SYN was dropped; a freed slot lets its retransmit (about 1 s later) in.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(poller.pending, 1);
    dropping.acceptOne();
    const r = await late;
    assert.equal(r.errno, 0);
    assert.ok(r.endMs - t0 > 900 && r.endMs - t0 < 4000, `${r.endMs - t0}`);
    assert.equal(poller.pending, 0);
  } finally {
    await poller.release();
  }
});

Deno.test("TcpPoller.connect() ends on abort; release() aborts what is pending", async () => {
  await using dropping = await synDropPeer();
  const poller = acquireTcpPoller();
  const stop = new AbortController();
  const a = poller.connect(sockaddr("127.0.0.1", dropping.port), 5000, stop.signal);
  const b = poller.connect(sockaddr("127.0.0.1", dropping.port), 5000, never);
  assert.equal(poller.pending, 2);
  stop.abort();
  assert.equal((await a).errno, ABORTED);
  assert.equal(poller.pending, 1);
  const already = await poller.connect(sockaddr("127.0.0.1", dropping.port), 5000, stop.signal);
  assert.equal(already.errno, ABORTED);
  await poller.release();
  assert.equal((await b).errno, ABORTED);
});

Deno.test("TcpPoller: one deadline timer for many timeouts of different lengths, in order", async () => {
  await using dropping = await synDropPeer();
  const poller = acquireTcpPoller();
  try {
    const t0 = performance.now();
    const ends = await Promise.all(
      [300, 100, 200, 100, 300].map(async (ms) => {
        const r = await poller.connect(sockaddr("127.0.0.1", dropping.port), ms, never);
        assert.equal(r.errno, TIMED_OUT);
        return [ms, r.endMs - t0] as const;
      }),
    );
    for (const [ms, took] of ends) assert.ok(took >= ms - 1 && took < ms + 150, `${ms}: ${took}`);
  } finally {
    await poller.release();
  }
});

Deno.test("TcpPoller leaks no file descriptor over 600 connects (open, refused, timeout, abort)", async () => {
  await using open = tcpPeer();
  await using dropping = await synDropPeer();
  const closed = closedPort();
  const poller = acquireTcpPoller();
  const before = fds();
  try {
    for (let round = 0; round < 3; round++) {
      const stop = new AbortController();
      const runs = [];
      for (let i = 0; i < 50; i++) {
        runs.push(poller.connect(sockaddr("127.0.0.1", open.port), 2000, never));
        runs.push(poller.connect(sockaddr("127.0.0.1", closed), 2000, never));
        runs.push(poller.connect(sockaddr("127.0.0.1", dropping.port), 50, never));
        runs.push(poller.connect(sockaddr("127.0.0.1", dropping.port), 2000, stop.signal));
      }
      setTimeout(() => stop.abort(), 20);
      const errnos = (await Promise.all(runs)).map((r) => r.errno);
      const count = (e: number) => errnos.filter((x) => x === e).length;
      assert.deepEqual([count(0), count(111), count(TIMED_OUT), count(ABORTED)], [50, 50, 50, 50]);
    }
    assert.equal(poller.pending, 0);
    // The listener's accepted connections close as the peer closes them: let them go.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(fds(), before);
  } finally {
    await poller.release();
  }
});

Deno.test("TcpPoller: 300 connects in one turn, more than one wake-up's 256 events", async () => {
  // 300, not more: with a soft fd limit of 1,024 (a common default) the poller keeps a quarter
  // free, and the peer's accepted connections are fds of this process too.
  await using open = tcpPeer();
  const closed = closedPort();
  const poller = acquireTcpPoller();
  try {
    const runs = [];
    for (let i = 0; i < 150; i++) {
      runs.push(poller.connect(sockaddr("127.0.0.1", open.port), 5000, never));
      runs.push(poller.connect(sockaddr("127.0.0.1", closed), 5000, never));
    }
    assert.equal(poller.pending, 300);
    const errnos = (await Promise.all(runs)).map((r) => r.errno);
    // A listener's full accept queue drops a SYN: its retransmit a second later gets in.
    assert.equal(errnos.filter((e) => e === 0).length, 150);
    assert.equal(errnos.filter((e) => e === 111).length, 150);
    assert.equal(poller.pending, 0);
  } finally {
    await poller.release();
  }
});

Deno.test("acquireTcpPoller() shares one poller until the last release", async () => {
  await using open = tcpPeer();
  const a = acquireTcpPoller();
  const b = acquireTcpPoller();
  assert.equal(a, b);
  await a.release();
  assert.equal((await b.connect(sockaddr("127.0.0.1", open.port), 500, never)).errno, 0);
  await b.release();
  const c = acquireTcpPoller();
  assert.equal((await c.connect(sockaddr("127.0.0.1", open.port), 500, never)).errno, 0);
  await c.release();
});

Deno.test("TcpPoller under a low fd limit keeps fds free: past its cap a connect says EMFILE", async () => {
  await using dropping = await synDropPeer();
  const child = new URL("../../_support/poller_fd_child.ts", import.meta.url).pathname;
  const out = await new Deno.Command("prlimit", {
    args: ["--nofile=256:256", Deno.execPath(), "run", "-A", child, `${dropping.port}`, "400"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const r = JSON.parse(text) as { files: number; errnos: Record<string, number> };
  // 256 - fdReserve(256) = 192 connects wait out their timeout; the other 208 fail at once,
  // past the cap with EMFILE. Once in a CI run one of the first connects failed in the kernel
  // (its errno read 2): the poller passed that failure on and the cap still held. Up to two
  // such failures are the machine's, not the poller's; the cap and the free fds are asserted.
  const { [TIMED_OUT]: timedOut, 24: emfile, ...other } = r.errnos;
  const others = Object.values(other).reduce((a, b) => a + b, 0);
  assert.equal(r.files, 16, text);
  assert.equal(timedOut, 192, text);
  assert.ok(others <= 2, text);
  assert.equal(emfile, 208 - others, text);
});
