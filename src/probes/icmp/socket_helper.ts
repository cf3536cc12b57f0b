/**
 * @module The in-process ICMP helper: one shared socket per address family (an unprivileged
 * datagram socket where `net.ipv4.ping_group_range` allows it, else a raw socket), each wrapped
 * in an echo channel.
 */
import type { Clock } from "../../base/clock.ts";
import type { IgnoreReason } from "./echo_packet.ts";
import { createEchoChannel, type EchoChannel } from "./echo_channel.ts";
import { type IcmpSocket, openIcmpSocket, type SocketKind } from "./ffi_socket.ts";
import type { IcmpHelper } from "./types.ts";
import { type SocketOptions, socketOptionsKey } from "../socket/socket_options.ts";

/** Options of {@linkcode createSocketHelper}. */
export interface SocketHelperOptions {
  /** Socket kinds to try, in order. Default: datagram, then raw. */
  kinds?: readonly SocketKind[];
  clock?: Clock;
  pollMs?: number;
  onIgnored?: (reason: IgnoreReason, family: 4 | 6) => void;
  /** Opens a socket (tests inject failures). */
  open?: (family: 4 | 6, kind: SocketKind, socketOptions?: SocketOptions) => IcmpSocket;
  /** Most sockets opened for modules with their own socket options (dscp, source…). Default 64. */
  maxOptionSockets?: number;
}

/** The socket helper, plus which kind of socket each family got. */
export interface SocketHelper extends IcmpHelper {
  readonly kinds: Readonly<Partial<Record<4 | 6, SocketKind>>>;
}

/**
 * Opens a socket for each family; throws the IPv4 (else IPv6) error when no family can open one,
 * e.g. `PermissionDenied` without `--allow-ffi` or a `SocketOpenError` without privilege.
 */
export function createSocketHelper(options: SocketHelperOptions = {}): SocketHelper {
  const kinds = options.kinds ?? ["dgram", "raw"];
  const open = options.open ??
    ((family, kind, socketOptions) =>
      openIcmpSocket(family, kind, { socketOptions, errorQueue: true }));
  const channelOf = (socket: IcmpSocket, family: 4 | 6) =>
    createEchoChannel(socket, {
      clock: options.clock,
      pollMs: options.pollMs,
      onIgnored: (reason) => options.onIgnored?.(reason, family),
    });
  // Modules with dscp, a source address or interface, or dont_fragment: a socket per family and
  // option set, of the kind the family's shared socket is, opened on first use.
  const optionChannels = new Map<string, EchoChannel>();
  const maxOptionSockets = options.maxOptionSockets ?? 64;
  const channels = new Map<4 | 6, EchoChannel>();
  const opened: Partial<Record<4 | 6, SocketKind>> = {};
  const errors: unknown[] = [];
  for (const family of [4, 6] as const) {
    for (const kind of kinds) {
      try {
        const socket = open(family, kind);
        channels.set(family, channelOf(socket, family));
        opened[family] = kind;
        break;
      } catch (error) {
        errors.push(error);
        if (error instanceof Deno.errors.PermissionDenied) break;
      }
    }
  }
  if (channels.size === 0) throw errors[0] ?? new Error("Cannot open an ICMP socket");
  const close = () => {
    for (const channel of channels.values()) channel.close();
    for (const channel of optionChannels.values()) channel.close();
    channels.clear();
    optionChannels.clear();
    return Promise.resolve();
  };
  return {
    name: "socket",
    families: [...channels.keys()],
    kinds: opened,
    run(ip, family, runOptions, signal) {
      const channel = channels.get(family);
      if (!channel) {
        return Promise.resolve({
          sent: 0,
          rttsSeconds: [],
          failure: { reason: "unreachable", detail: `no ICMPv${family} socket on this host` },
        });
      }
      const key = socketOptionsKey(runOptions.socket);
      if (key === "") return channel.run(ip, runOptions, signal);
      let own = optionChannels.get(`${family}|${key}`);
      if (!own) {
        try {
          if (optionChannels.size >= maxOptionSockets) {
            throw new Error(`more than ${maxOptionSockets} ICMP socket option sets`);
          }
          own = channelOf(open(family, opened[family]!, runOptions.socket), family);
          optionChannels.set(`${family}|${key}`, own);
        } catch (error) {
          return Promise.resolve({
            sent: 0,
            rttsSeconds: [],
            failure: {
              reason: "error" as const,
              detail: error instanceof Error ? error.message : String(error),
            },
          });
        }
      }
      return own.run(ip, runOptions, signal);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
