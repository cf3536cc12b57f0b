/**
 * Run under a low `RLIMIT_NOFILE` (`prlimit`): starts `count` connects to the SYN-dropping port
 * `port` (argv) through the shared poller, then opens 16 files while they are pending, and
 * prints `{files, errnos}`: how many opens worked and how the connects ended.
 */
import { acquireTcpPoller } from "../../src/probes/socket/tcp_poller.ts";
import { encodeSockaddr } from "../../src/probes/icmp/sockaddr.ts";

const [port, count] = Deno.args.map(Number) as [number, number];
const sa = encodeSockaddr("127.0.0.1", 4);
sa[2] = port >> 8;
sa[3] = port & 0xff;
const poller = acquireTcpPoller();
const never = new AbortController().signal;
const pending = Array.from({ length: count }, () => poller.connect(sa, 1500, never));
await new Promise((r) => setTimeout(r, 50));
const files: Deno.FsFile[] = [];
for (let i = 0; i < 16; i++) {
  try {
    files.push(Deno.openSync("/dev/null"));
  } catch {
    // the limit: counted below
  }
}
const opened = files.length;
for (const f of files) f.close();
const errnos: Record<number, number> = {};
for (const r of await Promise.all(pending)) errnos[r.errno] = (errnos[r.errno] ?? 0) + 1;
await poller.release();
console.log(JSON.stringify({ files: opened, errnos }));
