/**
 * Headless Chromium for browser tests (Debian's `chromium`, driven by playwright-core). Tests
 * skip with a printed notice when it is absent (`.ci/setup.d/40-chromium.sh` installs it).
 *
 * @module
 */
import type { Browser } from "playwright-core";
import { fileURLToPath } from "node:url";

const EXECUTABLE = "/usr/bin/chromium";

/** Whether the browser is installed. */
export const HAVE_CHROMIUM: boolean = (() => {
  try {
    return Deno.statSync(EXECUTABLE).isFile;
  } catch {
    return false;
  }
})();

/** Folder for files a test keeps for people to look at (ignored by git). */
export function testOutputDir(name: string): string {
  const dir = fileURLToPath(new URL(`./output/${name}/`, import.meta.url));
  Deno.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A test that gets a launched browser (closed afterwards); skipped visibly without chromium. */
export function browserTest(name: string, fn: (browser: Browser) => Promise<void>): void {
  Deno.test({
    name,
    ignore: !HAVE_CHROMIUM,
    // playwright keeps its connection's resources until the process ends.
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      // Imported here: playwright needs --allow-sys, which a skipped test should not ask for.
      const { chromium } = await import("playwright-core");
      const browser = await chromium.launch({
        executablePath: EXECUTABLE,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
        ],
      });
      try {
        await fn(browser);
      } finally {
        await browser.close();
      }
    },
  });
  if (!HAVE_CHROMIUM) console.log(`notice: skipping "${name}": ${EXECUTABLE} is absent`);
}
