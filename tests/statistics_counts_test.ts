/**
 * statistics.toml counts (ChemEx 2026.09 spec §3): ν = N − P − G, K = P + G by default;
 * `--compat 2026.06` keeps ChemEx 2026.06.1's ν = N − P, K = P.
 */
import { strict as assert } from "node:assert";
import { parseCompat } from "../src/config/compat.ts";
import { withCounts } from "../src/fit/statistics_counts.ts";
import { formatStatisticsToml } from "../src/output/statistics_toml.ts";
import { chi2Sf } from "../src/math/distributions.ts";
import { cpmg15nIpFitArgs, refdataTest } from "./_refdata.ts";

const BASE = {
  ndata: 1959,
  nvarys: 66,
  chisqr: 2100,
  redchi: 2100 / (1959 - 66),
  chisqrTest: chi2Sf(2100, 1959 - 66),
  ksTest: 0.5,
  aic: 2100 + 2 * 66,
  bic: 2100 + Math.log(1959) * 66,
};

Deno.test("counts: ν = N − P − G and K = P + G (PR #761 example), compat keeps the old", () => {
  const s = withCounts(BASE, 32, "2026.09");
  assert.equal(s.nvarys, 66, '"number of variables" stays P');
  assert.equal(s.redchi, 2100 / 1861);
  assert.equal(s.chisqrTest, chi2Sf(2100, 1861));
  assert.equal(s.aic, 2100 + 2 * 98);
  assert.equal(s.bic, 2100 + Math.log(1959) * 98);
  assert.deepEqual(withCounts(BASE, 32, "2026.06"), BASE);
  assert.equal(parseCompat("2026.06.1"), "2026.06");
  assert.equal(parseCompat(undefined), "2026.09");
  assert.throws(() => parseCompat("2025.10"), /--compat: expected 2026.06 or 2026.09/);
});

Deno.test("counts: ν ≤ 0 prints ChemEx's literal nan for reduced χ² and the χ² test", () => {
  const s = withCounts({ ...BASE, ndata: 70 }, 4, "2026.09");
  const text = formatStatisticsToml(s);
  assert.match(text, /"reduced-chi-square" += {2}nan\n/);
  assert.match(text, /"chi-squared test" += {2}nan\n/);
  assert.doesNotMatch(text.replace(/= {2}nan\n/g, ""), /nan/i);
});

async function fit(dir: string, out: string, extra: string[]) {
  const res = await new Deno.Command(Deno.execPath(), {
    args: cpmg15nIpFitArgs(out, extra),
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(res.code, 0, new TextDecoder().decode(res.stderr));
}

refdataTest("CPMG_15N_IP statistics.toml: only the lines of spec §3 change", async (refdata) => {
  const dir = `${refdata}/fit/CPMG_15N_IP`;
  const tmp = Deno.makeTempDirSync({ prefix: "exfit_counts_" });
  try {
    await fit(dir, `${tmp}/new`, []);
    await fit(dir, `${tmp}/old`, ["--compat", "2026.06"]);
    for (const [step, profiles] of [["STEP1", 10], ["STEP2", 108]] as const) {
      const lines = (p: string) => Deno.readTextFileSync(p).trimEnd().split("\n");
      const now = lines(`${tmp}/new/${step}/statistics.toml`);
      const old = lines(`${tmp}/old/${step}/statistics.toml`);
      const ref = lines(`${dir}/Output/${step}/statistics.toml`);
      // N and P are the same lines; reduced χ², χ² test, AIC and BIC change. χ² and KS are
      // those of the same optimum, but the finite default bounds (#751) change TRF's
      // Coleman–Li scaling and so the last digits of the end point.
      for (const i of [0, 1]) assert.equal(now[i], old[i], `${step} line ${i + 1}`);
      for (const i of [3, 4, 6, 7]) assert.notEqual(now[i], old[i], `${step} line ${i + 1}`);
      const value = (l: string) => Number(l.split("=")[1]);
      for (const [i, tol] of [[2, 1e-5], [5, 1e-3]]) {
        const [a, b] = [value(now[i]), value(old[i])];
        assert.ok(Math.abs(a - b) <= tol * Math.abs(b), `${step} line ${i + 1}: ${a} vs ${b}`);
      }
      const [n, p, chi2] = [0, 1, 2].map((i) => value(now[i]));
      const k = p + profiles;
      // (χ² is printed to 6 digits: compare to that precision)
      const near = (a: number, b: number) =>
        assert.ok(Math.abs(a - b) <= 2e-5 * Math.abs(b), `${a} vs ${b}`);
      near(value(now[3]), chi2 / (n - k));
      near(value(now[6]), chi2 + 2 * k);
      near(value(now[7]), chi2 + Math.log(n) * k);
      // With --compat 2026.06, the counts and the AIC are ChemEx 2026.06.1's reference lines.
      for (const i of [0, 1, 2, 6]) assert.equal(old[i], ref[i], `${step} compat line ${i + 1}`);
    }
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
