/**
 * @module A real headless browser for e2e tests: Debian's `chromium` driven by playwright-core,
 * with a fresh profile directory per launch (removed on dispose). Screenshots go to
 * `test-artifacts/` (git-ignored).
 */
import { type BrowserContext, chromium } from "playwright-core";

/** Where Debian installs Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** The flags every launch gets: headless, no sandbox (containers), nothing phoning home. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The folder screenshots are saved in. */
export const ARTIFACTS = new URL("../../test-artifacts/", import.meta.url).pathname;

/** A browser context on a fresh profile; `await using` closes it and removes the profile. */
export interface Browser extends AsyncDisposable {
  readonly context: BrowserContext;
}

/** Launches Chromium (playwright passes the fresh profile as `--user-data-dir`). */
export async function launchBrowser(
  options: { javaScriptEnabled?: boolean; width?: number; height?: number } = {},
): Promise<Browser> {
  const profile = await Deno.makeTempDir({ prefix: "vmprober-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
  });
  return {
    context,
    async [Symbol.asyncDispose]() {
      await context.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}
