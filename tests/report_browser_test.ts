import { strict as assert } from "node:assert";
import { browserTest, testOutputDir } from "./_browser.ts";
import { REPO } from "./_refdata.ts";
import { stepParameterRows } from "../src/report/parameter_rows.ts";

const td = new TextDecoder();

browserTest(
  "report.html in Chromium: plots, parameter rows, sorting, filter, screenshot",
  import.meta.url,
  async (browser) => {
    const tmp = Deno.makeTempDirSync({ prefix: "exfit_rp_browser_" });
    try {
      const demo = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", `${REPO}src/cli/demo.ts`, "Demo"],
        cwd: tmp,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(demo.code, 0, td.decode(demo.stderr));
      const out = `${tmp}/Demo/Output`;
      const rowsOf = (step: string) =>
        stepParameterRows(
          new Map(
            ["fitted", "fixed", "constrained"].flatMap((k) => {
              try {
                return [[
                  `Parameters/${k}.toml`,
                  Deno.readTextFileSync(`${out}/${step}/Parameters/${k}.toml`),
                ]];
              } catch {
                return [];
              }
            }),
          ),
        ).length;

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(e.message));
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(`file://${out}/report.html`);

      // The first screen as a user first sees it, kept for people to look at.
      const shots = testOutputDir("report_browser");
      await page.screenshot({ path: `${shots}report.png` });

      const steps = page.locator("section.step");
      assert.equal(await steps.count(), 2);
      // Every profile: a figure with data points, a model curve and a residual panel.
      const figures = page.locator("figure.prof");
      assert.equal(await figures.count(), 2 * 6 + 2 * 20);
      assert.equal(await page.locator("figure.prof path.curve").count(), 52);
      assert.ok(await page.locator("figure.prof circle.point").count() >= 52 * 15);
      // Parameter rows: as many as the step's parameter files hold.
      const step1Rows = steps.nth(0).locator("table.params tbody tr");
      assert.equal(await step1Rows.count(), rowsOf("STEP1"));
      assert.equal(await steps.nth(1).locator("table.params tbody tr").count(), rowsOf("STEP2"));
      assert.equal(await page.locator("table.summary tbody tr").count(), 2);

      // Sorting by value (numeric), descending on the second click.
      const header = steps.nth(0).locator("table.params th", { hasText: "value" });
      await header.click();
      await header.click();
      const values = (await steps.nth(0).locator("table.params tbody tr td:nth-child(4)")
        .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute("data-v")))))
        .filter((v) => Number.isFinite(v));
      for (let k = 1; k < values.length; k++) assert.ok(values[k] <= values[k - 1]);

      // Residue filter: "7" keeps residue 7's two profiles (two fields) in STEP2.
      await steps.nth(1).locator("input.residue").fill("7");
      assert.equal(await steps.nth(1).locator("figure.prof:not(.hidden)").count(), 2);
      assert.equal(await steps.nth(1).locator(".shown").textContent(), "2");
      await steps.nth(1).locator("input.residue").fill("");
      assert.equal(await steps.nth(1).locator("figure.prof:not(.hidden)").count(), 40);

      assert.deepEqual(errors, []);
      assert.ok(requests.every((u) => u.startsWith("file:") || u.startsWith("data:")), "offline");

      // The profiles of the first step, for a look at the small multiples.
      await steps.nth(0).locator("h4").first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${shots}profiles.png` });
      assert.ok(Deno.statSync(`${shots}report.png`).size > 10_000);
    } finally {
      Deno.removeSync(tmp, { recursive: true });
    }
  },
);
