/**
 * @module HTTP basic auth against bcrypt hashes, as exporter-toolkit checks it: bcrypt is slow on
 * purpose (a cost-10 check is ~100-200 ms of CPU in JavaScript), so good credentials are cached
 * and at most `maxConcurrent` checks run at once; past that a request is refused at once
 * (`throttled`) instead of queueing CPU work, so a flood of bad passwords costs a bounded share of
 * the event loop. Checks use bcryptjs' async API, which yields to the event loop between slices.
 */
import { createHash } from "node:crypto";
import bcrypt from "bcryptjs";

/** Why a request's credentials were not accepted. */
export type AuthFailure = "missing" | "malformed" | "bad_credentials" | "throttled";

/** The outcome of one check. */
export type AuthResult = { ok: true; user: string } | { ok: false; reason: AuthFailure };

/** Checks `Authorization` headers. */
export interface BasicAuth {
  check(header: string | null | undefined): Promise<AuthResult>;
  /** Checks running now (for tests and the status page). */
  readonly inFlight: number;
}

/** Options of {@linkcode createBasicAuth}. */
export interface BasicAuthOptions {
  /** Bcrypt checks running at once; more are refused as `throttled`. */
  maxConcurrent?: number;
  /** Good (user, password) pairs remembered. */
  cacheSize?: number;
  /** The bcrypt comparison (default: bcryptjs' async compare). */
  compare?: (password: string, hash: string) => Promise<boolean>;
}

export const DEFAULTS = { maxConcurrent: 1, cacheSize: 256 } satisfies BasicAuthOptions;

// A hash of a random password: unknown users cost one bcrypt check too, so the time of an answer
// does not tell which user names exist.
const DUMMY_HASH = "$2b$10$b9E5nfwbm3iiAvRgCYWcde.xaJaIXWny8LeRb79DkyJs9UhB0yz8u";

/**
 * Creates a checker for `users` (name → bcrypt hash).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const auth = createBasicAuth(new Map([["u", "h"]]), { compare: (p) => Promise.resolve(p === "pw") });
 * assert.deepEqual(await auth.check("Basic " + btoa("u:pw")), { ok: true, user: "u" });
 * assert.deepEqual(await auth.check(null), { ok: false, reason: "missing" });
 * ```
 */
export function createBasicAuth(
  users: ReadonlyMap<string, string>,
  options: BasicAuthOptions = {},
): BasicAuth {
  const maxConcurrent = options.maxConcurrent ?? DEFAULTS.maxConcurrent;
  const cacheSize = options.cacheSize ?? DEFAULTS.cacheSize;
  const compare = options.compare ?? ((p: string, h: string) => bcrypt.compare(p, h));
  /** Digests of good `user:password:hash` triples, oldest first. */
  const good = new Set<string>();
  let inFlight = 0;

  const check = async (header: string | null | undefined): Promise<AuthResult> => {
    if (!header) return { ok: false, reason: "missing" };
    const credentials = decode(header);
    if (!credentials) return { ok: false, reason: "malformed" };
    const { user, password } = credentials;
    const hash = users.get(user);
    const digest = createHash("sha256").update(`${user}\0${password}\0${hash}`).digest("hex");
    if (hash !== undefined && good.has(digest)) return { ok: true, user };
    if (inFlight >= maxConcurrent) return { ok: false, reason: "throttled" };
    inFlight++;
    let ok: boolean;
    try {
      ok = await compare(password, hash ?? DUMMY_HASH).catch(() => false);
    } finally {
      inFlight--;
    }
    if (!ok || hash === undefined) return { ok: false, reason: "bad_credentials" };
    good.add(digest);
    if (good.size > cacheSize) good.delete(good.values().next().value!);
    return { ok: true, user };
  };
  return {
    check,
    get inFlight() {
      return inFlight;
    },
  };
}

/** `Basic base64(user:password)` → its parts, or undefined when it is not that. */
function decode(header: string): { user: string; password: string } | undefined {
  const m = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!m || m[1]!.length > 4096) return undefined;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(atob(m[1]!), (c) => c.charCodeAt(0)),
    );
  } catch {
    return undefined;
  }
  const colon = text.indexOf(":");
  if (colon < 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}
