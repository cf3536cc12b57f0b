/**
 * @module Chooses the ICMP helper (`auto|socket|ping`): the in-process socket helper where an
 * ICMP socket opens, else the system ping. Logs the choice and shows it in
 * `vmprober_icmp_helper_info`.
 */
import type { Registry } from "prom-client";
import { logger } from "../../log.ts";
import type { Clock } from "../../schedule/clock.ts";
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

/**
 * Creates the helper for `mode`. `socket` throws when no ICMP socket opens; `auto` falls back to
 * the system ping then; `ping` never tries a socket.
 */
export function chooseHelper(mode: HelperMode, options: ChooseHelperOptions = {}): IcmpHelper {
  const log = logger("probes", "icmp");
  const metrics = options.registry ? icmpMetrics(options.registry) : undefined;
  let helper: IcmpHelper | undefined;
  let why = "";
  if (mode !== "ping") {
    try {
      const socketHelper = createSocketHelper({
        ...options.socket,
        clock: options.clock,
        onIgnored: metrics?.ignored,
      });
      helper = socketHelper;
      why = Object.entries(socketHelper.kinds).map(([f, k]) => `IPv${f}: ${k} socket`).join(", ");
    } catch (error) {
      if (mode === "socket") throw error;
      why = `no ICMP socket (${error instanceof Error ? error.message : String(error)})`;
    }
  } else {
    why = "helper: ping";
  }
  helper ??= createPingHelper({ clock: options.clock, probe: options.pingProbe });
  metrics?.setHelper(helper.name, helper.families);
  log.info("ICMP helper: {helper} ({why})", { helper: helper.name, why });
  return helper;
}
