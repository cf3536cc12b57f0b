/**
 * @module The `wal:` section: where and how the write-ahead log is kept, and which WAL an agent
 * keeps for a config ({@linkcode walSettings}).
 */
import * as z from "zod/mini";
import { _default as withDefault } from "zod/mini";
import { duration, size, text } from "./field_types.ts";

/** The `wal:` section. */
export const walSection = z.strictObject({
  dir: withDefault(text(), "data/wal"),
  segment_size: withDefault(size(), 16 * 1024 ** 2),
  max_size: withDefault(size(), 1024 ** 3),
  fsync: withDefault(z.enum(["always", "batch", "never"]), "batch"),
  fsync_interval: withDefault(duration(), 1000),
  compact: withDefault(z.boolean(), true),
});

/** The settings of the WAL as configured. */
export type WalSettings = z.output<typeof walSection>;

/**
 * The WAL the agent keeps: the `wal:` section when written (a local history even without a
 * pusher), its defaults when there is a `push:` section, else none (a pull-only agent writes
 * nothing to disk).
 */
export function walSettings(config: { wal?: WalSettings; push?: unknown }): WalSettings | null {
  return config.wal ?? (config.push ? walSection.parse({}) : null);
}

/** Where `vmprober wal inspect` looks by default: the configured dir, else the default one. */
export function walDir(config: { wal?: WalSettings }): string {
  return (config.wal ?? walSection.parse({})).dir;
}
