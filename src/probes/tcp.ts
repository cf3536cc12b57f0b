/**
 * @module TCP probe: connect time through `Deno.connect`, optional `send` and `expect` (a regex on
 * the first bytes, e.g. an SSH banner). One attempt, never longer than the job's timeout.
 */
import type { Probe, ProbeJob } from "./types.ts";
import type { ProbeOutcome } from "../results/types.ts";
import { failureReason } from "../net/failure_reason.ts";
import { createResolver, type Resolver } from "../net/resolver.ts";
import { deadline, raceAbort } from "./deadline.ts";

/** Most bytes read while waiting for `expect` to match. */
export const MAX_EXPECT_BYTES = 64 * 1024;

/** Options of {@linkcode createTcpProbe}; effects injected with real defaults. */
export interface TcpProbeOptions {
  connect?: (options: Deno.ConnectOptions) => Promise<Deno.TcpConn>;
  resolver?: Resolver;
}

/** Creates the TCP probe. */
export function createTcpProbe(options: TcpProbeOptions = {}): Probe {
  const connect = options.connect ?? ((o) => Deno.connect(o));
  const resolver = options.resolver ?? createResolver();
  return {
    type: "tcp",
    async run(job: ProbeJob, signal: AbortSignal): Promise<ProbeOutcome> {
      const start = performance.now();
      const took = () => (performance.now() - start) / 1000;
      using limit = deadline(signal, job.timeoutMs);
      if (job.port === undefined) {
        return {
          success: false,
          durationSeconds: 0,
          reason: "error",
          detail: "no port: set one in the target or the probe module",
        };
      }
      let family: 4 | 6 | undefined;
      let conn: Deno.TcpConn | undefined;
      try {
        let resolved;
        try {
          resolved = await raceAbort(resolver.resolve(job.host, job.ipProtocol, limit), limit);
        } catch (e) {
          const reason = limit.aborted ? "timeout" : "dns";
          return {
            success: false,
            durationSeconds: took(),
            reason,
            detail: String((e as Error)?.message ?? e),
          };
        }
        family = resolved.family;
        const pending = connect({ hostname: resolved.ip, port: job.port, signal: limit });
        pending.then((c) => limit.aborted && c.close(), () => {});
        conn = await raceAbort(pending, limit);
        const expect = job.options.expect as string | undefined;
        const send = job.options.send as string | undefined;
        if (send) await raceAbort(writeAll(conn, new TextEncoder().encode(send)), limit);
        if (expect) {
          const matched = await raceAbort(readUntil(conn, new RegExp(expect)), limit);
          if (!matched.ok) {
            return {
              success: false,
              durationSeconds: took(),
              reason: "mismatch",
              detail: `expect /${expect}/ did not match ${
                JSON.stringify(matched.text.slice(0, 120))
              }`,
              ipProtocol: family,
            };
          }
        }
        return { success: true, durationSeconds: took(), ipProtocol: family };
      } catch (e) {
        const reason = limit.aborted && !signal.aborted ? "timeout" : failureReason(e);
        return {
          success: false,
          durationSeconds: took(),
          reason,
          detail: String((e as Error)?.message ?? e),
          ipProtocol: family,
        };
      } finally {
        try {
          conn?.close();
        } catch {
          // already closed
        }
      }
    },
  };
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

/** Reads until `re` matches the text so far, the peer closes, or the cap is reached. */
async function readUntil(conn: Deno.Conn, re: RegExp): Promise<{ ok: boolean; text: string }> {
  const buf = new Uint8Array(4096);
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let text = "";
  let total = 0;
  while (total < MAX_EXPECT_BYTES) {
    const n = await conn.read(buf);
    if (n === null) return { ok: re.test(text), text };
    total += n;
    text += decoder.decode(buf.subarray(0, n), { stream: true });
    if (re.test(text)) return { ok: true, text };
  }
  return { ok: false, text };
}
