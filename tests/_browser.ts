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

const CHILD_ENV = "EXFIT_BROWSER_TEST_CHILD";

/**
 * A test that gets a launched browser (closed afterwards); skipped visibly without chromium.
 * playwright reads system files that only `--allow-all` opens (e.g. /proc/sys/fs/binfmt_misc), so
 * under the project's narrower test permissions the test runs itself again in a child
 * `deno test -A` (pass the test file's `import.meta.url` as `file`).
 */
export function browserTest(
  name: string,
  file: string,
  fn: (browser: Browser) => Promise<void>,
): void {
  Deno.test({
    name,
    ignore: !HAVE_CHROMIUM,
    // playwright keeps its connection's resources until the process ends.
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      if (!Deno.env.get(CHILD_ENV)) {
        const res = await new Deno.Command(Deno.execPath(), {
          args: ["test", "-A", "--filter", name, fileURLToPath(file)],
          env: { [CHILD_ENV]: "1" },
          stdout: "piped",
          stderr: "piped",
        }).output();
        const text = new TextDecoder().decode(res.stdout) + new TextDecoder().decode(res.stderr);
        if (!res.success || !/\b1 passed\b/.test(text.replace(/\x1b\[[0-9;]*m/g, ""))) {
          throw new Error(`browser test failed in its child process:\n${text}`);
        }
        return;
      }
      // Imported here: a skipped test or the parent process never loads playwright.
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
