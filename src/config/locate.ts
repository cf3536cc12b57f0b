/** @module Which config file to use: `--config`, `$VMPROBER_CONFIG`, `/etc/vmprober/…`, or the bundled default. */

/** The system-wide config path, used when it exists. */
export const SYSTEM_CONFIG = "/etc/vmprober/vmprober.yaml";
/** The repository's default config, the last resort. */
export const DEFAULT_CONFIG = "config/vmprober.yaml";

/** Resolves the config path in SPEC order; `exists` is injected for tests. */
export function locateConfig(
  flag: string | undefined,
  options: { env?: (name: string) => string | undefined; exists?: (path: string) => boolean } = {},
): string {
  if (flag) return flag;
  const env = options.env ?? ((n) => Deno.env.get(n));
  const fromEnv = env("VMPROBER_CONFIG");
  if (fromEnv) return fromEnv;
  const exists = options.exists ?? fileExists;
  return exists(SYSTEM_CONFIG) ? SYSTEM_CONFIG : DEFAULT_CONFIG;
}

function fileExists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
