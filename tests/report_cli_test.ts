import { strict as assert } from "node:assert";
import { REPO } from "./_refdata.ts";

const td = new TextDecoder();

async function exfit(cwd: string, args: string[]) {
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO}src/cli/${args[0]}`, ...args.slice(1)],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: res.code, stdout: td.decode(res.stdout), stderr: td.decode(res.stderr) };
}

function pdfPages(path: string): number {
  const text = new TextDecoder("latin1").decode(Deno.readFileSync(path));
  return (text.match(/\/Type \/Page\b/g) ?? []).length;
}

Deno.test("demo ends with the report path; report, PDFs and --plot nothing", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "exfit_rp_" });
  try {
    const demo = await exfit(tmp, ["demo.ts", "Demo"]);
    assert.equal(demo.code, 0, demo.stderr);
    const last = demo.stdout.trim().split("\n").at(-1)!;
    assert.match(last, /Demo\/Output\/report\.html$/);
    const html = Deno.readTextFileSync(`${tmp}/Demo/Output/report.html`);
    // STEP1 fits 6 residues at two fields, STEP2 all 20.
    assert.equal((html.match(/<figure class="prof"/g) ?? []).length, 2 * 6 + 2 * 20);
    assert.equal((html.match(/<section class="step"/g) ?? []).length, 2);
    assert.match(html, /KEX_AB/);
    assert.equal(pdfPages(`${tmp}/Demo/Output/STEP2/Plots/800mhz.pdf`), 20);
    assert.equal(pdfPages(`${tmp}/Demo/Output/STEP1/Plots/500mhz.pdf`), 6);

    assert.match(html, /<h3>Along the sequence<\/h3>/);

    // plot_param over both steps' fitted parameters: 20 + 6 DW_AB values.
    const pp = await exfit(tmp, [
      "main.ts",
      "plot_param",
      "-p",
      "Demo/Output/STEP2/Parameters/fitted.toml",
      "Demo/Output/STEP1/Parameters/fitted.toml",
      "-n",
      "DW_AB",
      "-o",
      "PP",
    ]);
    assert.equal(pp.code, 0, pp.stderr);
    const svg = Deno.readTextFileSync(`${tmp}/PP/dw_ab.svg`);
    assert.equal((svg.match(/class="param"/g) ?? []).length, 26);
    assert.match(svg, /Demo\/Output\/STEP1\/Parameters\/fitted\.toml: DW_AB/);
    assert.equal(pdfPages(`${tmp}/PP/dw_ab.pdf`), 1);
    assert.match(Deno.readTextFileSync(`${tmp}/PP/dw_ab.html`), /<table class="sortable params">/);
    const none = await exfit(tmp, [
      "main.ts",
      "plot_param",
      "-p",
      "Demo/Output/STEP2/Parameters/fitted.toml",
      "-n",
      "NOPE_X",
    ]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no parameter with a residue number matches "NOPE_X"/);

    // Same study without plots: no report, no PDF, no SVG.
    const d = `${tmp}/Demo`;
    const fit = await exfit(tmp, [
      "main.ts",
      "fit",
      "-e",
      `${d}/Experiments/500mhz.toml`,
      "-p",
      `${d}/Parameters/parameters.toml`,
      "--include",
      "4N",
      "-o",
      `${tmp}/Plain`,
      "--plot",
      "nothing",
    ]);
    assert.equal(fit.code, 0, fit.stderr);
    assert.doesNotMatch(fit.stdout, /report\.html/);
    const names = [...Deno.readDirSync(`${tmp}/Plain`)].map((e) => e.name);
    assert.ok(!names.includes("report.html"));
    assert.ok(!names.includes("Plots"));
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
