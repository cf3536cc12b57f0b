/** @module The push settings tests start from, so each test spells out only what it changes. */
import type { PushConfig } from "../../src/push/client.ts";

/**
 * Push settings for `url`: TLS verified, batches of up to 10,000 samples / 4 MiB, backoff 50 ms
 * to 400 ms, a 5 s request and shutdown timeout, metadata every 60 s, no extra labels; `more`
 * overrides any of them.
 */
export function pushTestConfig(url: string, more: Partial<PushConfig> = {}): PushConfig {
  return {
    url,
    tls_insecure_skip_verify: false,
    batch: { max_samples: 10_000, max_bytes: 4 * 1024 ** 2 },
    max_backoff: 400,
    min_backoff: 50,
    timeout: 5_000,
    shutdown_timeout: 5_000,
    metadata_interval: 60_000,
    extra_labels: {},
    ...more,
  };
}
