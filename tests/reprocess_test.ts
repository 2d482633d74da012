/**
 * `exfit reprocess`: a catalogue of 3 studies refits only the one whose data changed, keeps the
 * history with a `latest` pointer, reports the key-parameter changes with their errors (text and
 * HTML/SVG), names a malformed study while the others complete; the `--every` schedule on an
 * injected clock.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { type Clock, nextRun, runEvery } from "../workflows/schedule.ts";
import { cli } from "./_cluster.ts";

function catalogue(dir: string): string {
  for (const [name, seed] of [["a", 3], ["b", 4]] as const) {
    writeSyntheticStudy(`${dir}/${name}`, { residues: 2, seed, fields: [600] });
  }
  // A study whose parameter file is malformed.
  writeSyntheticStudy(`${dir}/c`, { residues: 2, seed: 5, fields: [600] });
  Deno.writeTextFileSync(`${dir}/c/Parameters/parameters.toml`, "[GLOBAL]\nPB = \n");
  const study = (name: string) =>
    `[[study]]\nname = "${name}"\nfolder = "${name}"\nexperiments = ["Experiments/*.toml"]\n` +
    `parameters = ["Parameters/parameters.toml"]\nmethod = ["Methods/method.toml"]\n`;
  const file = `${dir}/catalog.toml`;
  Deno.writeTextFileSync(
    file,
    `[defaults]\nmodel = "2st"\n\n${["a", "b", "c"].map(study).join("\n")}`,
  );
  return file;
}

Deno.test("exfit reprocess refits only changed studies into history/ with a latest pointer and names a broken one", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_reprocess_" });
  try {
    const file = catalogue(dir);
    const first = await cli(["reprocess", file]);
    assert.equal(first.code, 1, first.err);
    assert.match(first.out, /a: refitted -> .*\/a\/history\/\d{8}T\d{6}Z-[0-9a-f]{12}/);
    assert.match(first.out, /KEX_AB: — -> [\d.]+ ± [\d.]+/);
    assert.match(first.out, /c: FAILED: .*catalog\.toml.*parameters\.toml/);
    assert.match(first.out, /3 studies: 2 refitted, 0 unchanged, 1 failed/);
    assert.match(first.err, /1 of the catalogue's studies failed/);
    const entryA = Deno.readLinkSync(`${dir}/a/history/latest`);
    assert.ok(Deno.statSync(`${dir}/a/history/${entryA}/Parameters/fitted.toml`).isFile);
    assert.ok(Deno.statSync(`${dir}/a/history/${entryA}/.exfit/checkpoint.json`).isFile);
    // Each entry is a fit's output folder: its report and its run_info/ record included.
    const report = Deno.readTextFileSync(`${dir}/a/history/${entryA}/report.html`);
    assert.match(report, /exfit reprocess: a/);
    assert.match(report, /<svg|data:image\/svg/);
    const runToml = Deno.readTextFileSync(`${dir}/a/history/${entryA}/run_info/run.toml`);
    assert.match(runToml, /reprocess/);
    assert.match(
      Deno.readTextFileSync(`${dir}/a/history/${entryA}/run_info/outcome.toml`),
      /status = "complete"/,
    );
    // Nothing changed: nothing refitted; the broken study is still named.
    const second = await cli(["reprocess", file]);
    assert.match(second.out, /a: unchanged[^]*b: unchanged[^]*c: FAILED/);
    assert.match(second.out, /3 studies: 0 refitted, 2 unchanged, 1 failed/);
    // a's data change (one intensity): only a is refitted, and its change is reported.
    const data = `${dir}/a/Data/600mhz/1N.out`;
    const lines = Deno.readTextFileSync(data).split("\n");
    const fields = lines[3].trim().split(/\s+/);
    fields[1] = (Number(fields[1]) * 1.05).toExponential(9);
    lines[3] = fields.join("  ");
    Deno.writeTextFileSync(data, lines.join("\n"));
    await new Promise((r) => setTimeout(r, 1100)); // a new timestamp
    const third = await cli(["reprocess", file]);
    assert.match(third.out, /a: refitted[^]*b: unchanged[^]*c: FAILED/);
    assert.match(
      third.out,
      /KEX_AB: [\d.]+ ± [\d.]+ -> [\d.]+ ± [\d.]+, change [+-][\d.e-]+ \(-?[\d.]+ σ\)/,
    );
    assert.match(third.out, /3 studies: 1 refitted, 1 unchanged, 1 failed/);
    const history = [...Deno.readDirSync(`${dir}/a/history`)].map((e) => e.name).sort();
    assert.equal(history.filter((n) => /^\d{8}T/.test(n)).length, 2);
    assert.notEqual(Deno.readLinkSync(`${dir}/a/history/latest`), entryA);
    const html = Deno.readTextFileSync(`${dir}/reprocess-summary.html`);
    assert.match(html, /<h2>a: refitted<\/h2>[^]*<td>KEX_AB<\/td>[^]*<svg/);
    assert.match(html, /<h2>c: failed<\/h2>/);
    assert.equal(Deno.readTextFileSync(`${dir}/reprocess-summary.txt`), third.out + "\n");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a malformed catalogue is one error naming the file and key", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_reprocess_" });
  try {
    Deno.writeTextFileSync(`${dir}/bad.toml`, `[[study]]\nfolder = "a"\nexperimnets = ["x"]\n`);
    const res = await cli(["reprocess", `${dir}/bad.toml`]);
    assert.equal(res.code, 1);
    assert.match(res.err, /bad\.toml.*study\.0\.experimnets: unknown key/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

/** A clock that jumps to whatever time it is asked to wait for. */
function fakeClock(start: string): Clock & { waits: string[] } {
  let now = new Date(start);
  const waits: string[] = [];
  return {
    waits,
    now: () => now,
    sleepUntil: (t) => {
      waits.push(t.toISOString());
      now = new Date(t.getTime() + 1000);
      return Promise.resolve();
    },
  };
}

Deno.test("--every: the schedule on an injected clock; a failing run does not stop it", async () => {
  assert.equal(
    nextRun("0 2 * * *", new Date("2026-12-05T19:30:00Z")).toISOString(),
    "2026-12-06T02:00:00.000Z",
  );
  assert.throws(
    () => nextRun("every night", new Date()),
    /--every: "every night" is not a cron schedule/,
  );
  const clock = fakeClock("2026-12-05T10:07:00Z");
  const runs: string[] = [];
  const errors: string[] = [];
  await runEvery("*/15 * * * *", (at) => {
    runs.push(at.toISOString());
    if (runs.length === 2) return Promise.reject(new Error("study folder unreachable"));
    return Promise.resolve();
  }, { clock, maxRuns: 3, onError: (e) => errors.push(e.message) });
  assert.deepEqual(runs, [
    "2026-12-05T10:15:00.000Z",
    "2026-12-05T10:30:00.000Z",
    "2026-12-05T10:45:00.000Z",
  ]);
  assert.deepEqual(errors, ["study folder unreachable"]);
  // Nightly at 02:00 over a weekend.
  const nightly = fakeClock("2026-12-05T19:30:00Z");
  const nights: string[] = [];
  await runEvery("0 2 * * *", (at) => {
    nights.push(at.toISOString().slice(0, 16));
    return Promise.resolve();
  }, { clock: nightly, maxRuns: 2 });
  assert.deepEqual(nights, ["2026-12-06T02:00", "2026-12-07T02:00"]);
});
