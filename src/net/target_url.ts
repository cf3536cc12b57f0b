/**
 * @module URL targets for `type: http` (`https://host/path`), and the URL an HTTP probe fetches
 * for a plain target (`host[:port]` → `http://host[:port]/`, as blackbox_exporter).
 */

/** True for text that starts like an http:// or https:// URL (any case). */
export function looksLikeUrl(text: string): boolean {
  // The first letter before the case-blind regex, which allocates ~50 B a call (200,000 targets
  // are checked twice a load, and "h" is rare in a first place of an address).
  return (text.charCodeAt(0) | 0x20) === 0x68 && /^https?:\/\//i.test(text);
}

/** Why `text` is not a usable http(s) URL target, or undefined when it is one. */
export function urlProblem(text: string): string | undefined {
  if (text.length > 2048) return "URL longer than 2048 characters";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "not a valid URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "expected http:// or https://";
  if (!url.hostname) return "no host in the URL";
  if (url.username || url.password) return "credentials in the URL (use basic_auth)";
  return undefined;
}

/** The parts of an http(s) target the probe needs. */
export interface HttpTarget {
  url: URL;
  /** Host without brackets. */
  host: string;
  port: number;
  tls: boolean;
}

/**
 * The URL for a target: as it is when it is one, else `http://` + the target + `/`.
 *
 * @example
 * ```ts
 * import { httpTarget } from "./target_url.ts";
 * const t = httpTarget("[::1]:8080");
 * if (t.url.href !== "http://[::1]:8080/" || t.host !== "::1" || t.port !== 8080) throw new Error();
 * ```
 */
export function httpTarget(target: string): HttpTarget {
  const url = new URL(looksLikeUrl(target) ? target : `http://${target}/`);
  const tls = url.protocol === "https:";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { url, host, port: url.port ? Number(url.port) : tls ? 443 : 80, tls };
}
