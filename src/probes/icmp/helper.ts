/**
 * @module Chooses the ICMP helper (`auto|socket|ping`): the in-process socket helper where an
 * ICMP socket opens, else the system ping. Logs the choice and shows it in
 * `vmprober_icmp_helper_info`.
 */
import type { Registry } from "../../base/prom.ts";
import { logger } from "../../log.ts";
import type { Clock } from "../../base/clock.ts";
import { icmpMetrics } from "./icmp_metrics.ts";
import { createPingHelper, type PingProbe } from "./ping_fallback.ts";
import { createSocketHelper, type SocketHelperOptions } from "./socket_helper.ts";
import type { IcmpHelper } from "./types.ts";

/** The `helper` option of an ICMP module. */
export type HelperMode = "auto" | "socket" | "ping";

/** Options of {@linkcode chooseHelper}. */
export interface ChooseHelperOptions {
  registry?: Registry;
  clock?: Clock;
  /** Passed to the socket helper (socket kinds, poll period, an injected opener). */
  socket?: Omit<SocketHelperOptions, "clock" | "onIgnored">;
  /** Injected `ping` package probe (tests). */
  pingProbe?: PingProbe;
}

/** The helpers of one agent: at most one socket helper and one ping helper, shared by all modules. */
export interface HelperSet extends AsyncDisposable {
  /**
   * The helper for `mode`: `socket` throws when no ICMP socket opens; `auto` falls back to the
   * system ping then; `ping` never tries a socket. The first choice is logged and shown in
   * `vmprober_icmp_helper_info`.
   */
  get(mode: HelperMode): IcmpHelper;
  close(): Promise<void>;
}

/** Creates the (lazily opened) helper set. */
export function createHelperSet(options: ChooseHelperOptions = {}): HelperSet {
  const log = logger("probes", "icmp");
  const metrics = options.registry ? icmpMetrics(options.registry) : undefined;
  let socketHelper: IcmpHelper | undefined;
  let socketError: unknown;
  let pingHelper: IcmpHelper | undefined;
  const announce = (helper: IcmpHelper, why: string) => {
    metrics?.setHelper(helper.name, helper.families);
    log.info("ICMP helper: {helper} ({why})", { helper: helper.name, why });
  };
  const socket = (): IcmpHelper | undefined => {
    if (socketHelper || socketError !== undefined) return socketHelper;
    try {
      const h = createSocketHelper({
        ...options.socket,
        clock: options.clock,
        onIgnored: metrics?.ignored,
      });
      socketHelper = h;
      announce(h, Object.entries(h.kinds).map(([f, k]) => `IPv${f}: ${k} socket`).join(", "));
    } catch (error) {
      socketError = error;
    }
    return socketHelper;
  };
  const ping = (why: string): IcmpHelper => {
    if (!pingHelper) {
      pingHelper = createPingHelper({ clock: options.clock, probe: options.pingProbe });
      announce(pingHelper, why);
    }
    return pingHelper;
  };
  const close = async () => {
    await socketHelper?.close();
    await pingHelper?.close();
    socketHelper = pingHelper = undefined;
    socketError = undefined;
  };
  return {
    get(mode) {
      if (mode === "ping") return ping("helper: ping");
      const h = socket();
      if (h) return h;
      if (mode === "socket") throw socketError;
      const e = socketError;
      return ping(`no ICMP socket: ${e instanceof Error ? e.message : String(e)}`);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
