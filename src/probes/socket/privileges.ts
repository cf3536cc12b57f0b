/**
 * @module What the probes can do without privilege on this host, and what needs CAP_NET_RAW,
 * found by trying (Deno reads `/proc/self/status` and `/proc/sys` only with --allow-all): a raw
 * ICMP socket opens only with CAP_NET_RAW, a datagram ICMP socket only where
 * `net.ipv4.ping_group_range` holds our group, `SO_BINDTODEVICE` needs CAP_NET_RAW before
 * Linux 5.7 (path probes: see pathNote()). Matched against the modules a config uses; the agent logs the notes at start and
 * shows them in `/api/v1/status` (`privileges`).
 */
import type { Config } from "../../config/schema.ts";
import { C, openLibc } from "../icmp/libc.ts";

/** What the process may do (null: could not tell, e.g. no FFI permission). */
export interface NetPrivileges {
  /** A raw ICMP socket opens (CAP_NET_RAW). */
  cap_net_raw: boolean | null;
  /** A datagram ICMP socket opens: our group is inside `net.ipv4.ping_group_range`. */
  ping_group_allows: boolean | null;
  /** `SO_BINDTODEVICE` works (always since Linux 5.7; before, with CAP_NET_RAW only). */
  bind_to_device: boolean | null;
}

/** One note: `warning` when something falls back or fails for want of a privilege. */
export interface PrivilegeNote {
  level: "info" | "warning";
  text: string;
}

/** What {@linkcode readNetPrivileges} tries (injected in tests). */
export type PrivilegeTry = (what: keyof NetPrivileges) => boolean;

/** Opens (and closes at once) the sockets that tell. */
export const trySockets: PrivilegeTry = (what) => {
  const libc = openLibc();
  try {
    const f = libc.symbols;
    const [type, proto] = what === "cap_net_raw"
      ? [C.SOCK_RAW, C.IPPROTO_ICMP]
      : what === "ping_group_allows"
      ? [C.SOCK_DGRAM, C.IPPROTO_ICMP]
      : [C.SOCK_DGRAM, C.IPPROTO_UDP];
    const fd = f.socket(C.AF_INET, type | C.SOCK_CLOEXEC, proto);
    if (fd < 0) return false;
    try {
      if (what !== "bind_to_device") return true;
      const lo = new TextEncoder().encode("lo\0");
      return f.setsockopt(fd, C.SOL_SOCKET, C.SO_BINDTODEVICE, lo, lo.byteLength) === 0;
    } finally {
      f.close(fd);
    }
  } finally {
    libc.close();
  }
};

/** Finds out what the process may do. */
export function readNetPrivileges(attempt: PrivilegeTry = trySockets): NetPrivileges {
  const tell = (what: keyof NetPrivileges) => {
    try {
      return attempt(what);
    } catch {
      return null;
    }
  };
  return {
    cap_net_raw: tell("cap_net_raw"),
    ping_group_allows: tell("ping_group_allows"),
    bind_to_device: tell("bind_to_device"),
  };
}

/** What the modules `config` uses can and cannot do with `p`. */
export function privilegeNotes(p: NetPrivileges, config: Config): PrivilegeNote[] {
  const used = new Set(config.targets.flatMap((t) => t.probes));
  const modules = Object.entries(config.probes).filter(([name]) => used.has(name));
  const notes: PrivilegeNote[] = [];
  const icmp = modules.filter(([, m]) => m.type === "icmp" && m.helper !== "ping");
  if (icmp.length > 0) {
    if (p.ping_group_allows) {
      notes.push({
        level: "info",
        text: "ICMP: unprivileged datagram sockets (ping_group_range allows our group); " +
          "CAP_NET_RAW is not needed",
      });
    } else if (p.cap_net_raw) {
      notes.push({ level: "info", text: "ICMP: raw sockets (CAP_NET_RAW)" });
    } else {
      const socketOnly = icmp.filter(([, m]) => m.type === "icmp" && m.helper === "socket");
      notes.push({
        level: "warning",
        text: "ICMP: no CAP_NET_RAW and net.ipv4.ping_group_range excludes our group: " +
          (socketOnly.length > 0
            ? `modules with helper: socket (${socketOnly.map(([n]) => n).join(", ")}) fail, `
            : "") +
          "helper auto falls back to the system ping (ICMP error details are not read); " +
          "grant CAP_NET_RAW or widen ping_group_range",
      });
    }
  }
  const path = modules.filter(([, m]) => m.type === "path");
  if (path.length > 0) notes.push(pathNote(p, path));
  const bound = modules.filter(([, m]) => "source_interface" in m && m.source_interface);
  if (bound.length > 0 && p.bind_to_device === false) {
    notes.push({
      level: "warning",
      text: `source_interface (${bound.map(([n]) => n).join(", ")}) needs CAP_NET_RAW on ` +
        "kernels before 5.7: those probes fail",
    });
  }
  if (modules.some(([, m]) => m.type === "udp")) {
    notes.push({
      level: "info",
      text: "UDP: own sockets read ICMP errors (refused, unreachable) without privilege",
    });
  }
  return notes;
}

/**
 * Path probes: raw ICMP sockets with CAP_NET_RAW; without, unprivileged mode (a socket of each
 * run's own reading the routers' errors from its error queue): UDP and TCP always, ICMP where
 * ping_group_range allows.
 */
function pathNote(p: NetPrivileges, path: [string, Config["probes"][string]][]): PrivilegeNote {
  if (p.cap_net_raw !== false) {
    return { level: "info", text: "path: raw ICMP sockets (CAP_NET_RAW)" };
  }
  const failing = path.flatMap(([name, m]) => {
    const protocol = m.type === "path" ? m.protocol ?? "icmp" : "";
    if (protocol === "icmp" && !p.ping_group_allows) {
      return [`${name} (icmp needs CAP_NET_RAW or ping_group_range)`];
    }
    return [];
  });
  return {
    level: "warning",
    text: "path: no CAP_NET_RAW: unprivileged mode, hops read from the error queue of each " +
      "run's own socket (protocol udp and tcp" +
      (p.ping_group_allows ? "; icmp: ping_group_range" : "") +
      ")" + (failing.length > 0 ? `; these fail: ${failing.join(", ")}` : ""),
  };
}
