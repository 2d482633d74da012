import { strict as assert } from "node:assert";
import { parsePicks, pickFiles } from "../src/report/pick_cest.ts";
import { refdataTest, REPO } from "./_refdata.ts";
import { browserTest, HAVE_CHROMIUM } from "./_browser.ts";
import { REFDATA } from "./_refdata.ts";
import { parse } from "smol-toml";

Deno.test("pickFiles writes ChemEx's cs_a.toml and dw_ab.toml lines", () => {
  const profiles = [
    { name: "G23N", experiment: "a", points: [] },
    { name: "A24N", experiment: "a", points: [] },
    { name: "G23N", experiment: "b", points: [] },
  ];
  const files = pickFiles(profiles, new Map([[0, [1, 2]], [1, [118.25]], [2, [118.2, 120.5]]]));
  assert.equal(files["cs_a.toml"], "[CS_A]\nG23N       =  118.200\nA24N       =  118.250\n");
  assert.equal(files["dw_ab.toml"], "[DW_AB]\nG23N       =    2.300\n");
  assert.equal(
    (parse(files["dw_ab.toml"]) as Record<string, Record<string, number>>).DW_AB.G23N,
    2.3,
  );
  assert.throws(() => parsePicks({ picks: { "5": [1] } }, 3), /no profile 5/);
  assert.throws(() => parsePicks({ picks: { "0": [1, 2, 3] } }, 3), /one or two finite/);
  assert.throws(() => parsePicks([], 3), /expected/);
});

const td = new TextDecoder();

/** The page's test hooks (`window.exfitPick`, see src/report/pick_page.ts). */
interface PickHooks {
  saves: number;
  ppmToClientX(ppm: number): number;
  clientY(): number;
}
type Hooked = { exfitPick: PickHooks };

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += td.decode(value);
  }
  reader.releaseLock();
  return text.split("\n")[0];
}

if (REFDATA !== null && !HAVE_CHROMIUM) {
  console.log('notice: skipping "pick_cest in Chromium": /usr/bin/chromium is absent');
}
if (REFDATA === null) refdataTest("pick_cest in Chromium", () => {});
else {
  browserTest(
    "pick_cest in Chromium: click major and minor dips, undo, next, files written",
    import.meta.url,
    async (browser) => {
      const dir = `${REFDATA}/fit/CEST_15N`;
      const out = Deno.makeTempDirSync({ prefix: "exfit_pick_" });
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          `${REPO}src/cli/main.ts`,
          "pick_cest",
          "-e",
          `${dir}/Experiments/13hz.toml`,
          `${dir}/Experiments/26hz.toml`,
          "-o",
          out,
        ],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      try {
        const line = await firstLine(child.stdout);
        const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(line)?.[1];
        assert.ok(url, `no URL in "${line}"`);
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error") errors.push(m.text());
        });
        page.on("pageerror", (e) => errors.push(e.message));
        await page.goto(url);
        assert.match(await page.textContent("#title") ?? "", /^13N \(13hz\) — profile 1 of 32$/);
        const click = async (ppm: number) => {
          const saves = await page.evaluate(() =>
            (globalThis as unknown as Hooked).exfitPick.saves
          );
          const [x, y] = await page.evaluate(
            (
              v,
            ) => [
              (globalThis as unknown as Hooked).exfitPick.ppmToClientX(v),
              (globalThis as unknown as Hooked).exfitPick.clientY(),
            ],
            ppm,
          );
          await page.mouse.click(x, y);
          await page.waitForFunction(
            (n) => (globalThis as unknown as Hooked).exfitPick.saves > n,
            saves,
          );
        };
        // Profile 1: major, a wrong minor, undo (keyboard), the right minor.
        await click(119.0);
        await click(125.0);
        const saves = await page.evaluate(() => (globalThis as unknown as Hooked).exfitPick.saves);
        await page.keyboard.press("u");
        await page.waitForFunction(
          (n) => (globalThis as unknown as Hooked).exfitPick.saves > n,
          saves,
        );
        await click(121.5);
        assert.equal(await page.locator("line.pick").count(), 2);
        // Next profile (keyboard): major only.
        await page.keyboard.press("ArrowRight");
        assert.match(await page.textContent("#title") ?? "", /profile 2 of 32$/);
        await click(117.0);
        const cs = parse(Deno.readTextFileSync(`${out}/cs_a.toml`)) as Record<
          string,
          Record<string, number>
        >;
        const dw = parse(Deno.readTextFileSync(`${out}/dw_ab.toml`)) as Record<
          string,
          Record<string, number>
        >;
        const names = Object.keys(cs.CS_A);
        assert.deepEqual(names, ["13N", "26N"]);
        // Clicks land within a pixel's worth of ppm.
        assert.ok(Math.abs(cs.CS_A["13N"] - 119.0) < 0.05, `${cs.CS_A["13N"]}`);
        assert.ok(Math.abs(cs.CS_A["26N"] - 117.0) < 0.05);
        assert.deepEqual(Object.keys(dw.DW_AB), ["13N"]);
        assert.ok(Math.abs(dw.DW_AB["13N"] - 2.5) < 0.1, `${dw.DW_AB["13N"]}`);
        assert.match(
          Deno.readTextFileSync(`${out}/cs_a.toml`),
          /^\[CS_A\]\n13N {8}= +\d+\.\d{3}\n/,
        );
        await page.click("#done");
        const status = await child.status;
        assert.equal(status.code, 0);
        assert.deepEqual(errors, []);
      } finally {
        try {
          child.kill();
        } catch {
          // already ended
        }
        await child.stdout.cancel().catch(() => {});
        await child.stderr.cancel().catch(() => {});
        Deno.removeSync(out, { recursive: true });
      }
    },
  );
}
