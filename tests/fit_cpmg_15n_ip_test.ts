import { strict as assert } from "node:assert";
import { readFitted, refdataTest, referenceCommand, runExfit } from "./_refdata.ts";

function chisqr(path: string): number {
  const m = /"chi-square"\s*=\s*(\S+)/.exec(Deno.readTextFileSync(path));
  return Number(m![1]);
}

refdataTest("fit CPMG_15N_IP reproduces ChemEx 2026.06 (both steps)", async (refdata) => {
  const folder = `${refdata}/fit/CPMG_15N_IP`;
  const out = await runExfit(folder, referenceCommand(folder));
  try {
    const ref1 = readFitted(`${folder}/Output/STEP1/Parameters/fitted.toml`);
    const our1 = readFitted(`${out}/STEP1/Parameters/fitted.toml`);
    let checked = 0;
    for (const [key, r] of ref1) {
      if (!/KEX_AB|\/PB|DW_AB/.test(key)) continue;
      const o = our1.get(key);
      assert.ok(o, `STEP1 ${key} missing`);
      assert.ok(
        Math.abs(o.value - r.value) <= 0.1 * r.err!,
        `STEP1 ${key}: ${o.value} vs ChemEx ${r.value} ± ${r.err}`,
      );
      checked++;
    }
    assert.equal(checked, 7);
    const ref2 = readFitted(`${folder}/Output/STEP2/Parameters/fitted.toml`);
    const our2 = readFitted(`${out}/STEP2/Parameters/fitted.toml`);
    assert.equal(our2.size, ref2.size);
    for (const [key, r] of ref2) {
      const o = our2.get(key);
      assert.ok(o, `STEP2 ${key} missing`);
      assert.ok(
        Math.abs(o.value - r.value) <= r.err!,
        `STEP2 ${key}: ${o.value} vs ChemEx ${r.value} ± ${r.err}`,
      );
      // Errors of parameters that the data do not determine (|DW| ≈ 0) are not comparable.
      if (r.err! < 0.5 * Math.abs(r.value)) {
        assert.ok(
          Math.abs(o.err! - r.err!) <= 0.05 * r.err!,
          `STEP2 ${key} error ${o.err} vs ${r.err}`,
        );
      }
    }
    for (const step of ["STEP1", "STEP2"]) {
      const a = chisqr(`${out}/${step}/statistics.toml`);
      const b = chisqr(`${folder}/Output/${step}/statistics.toml`);
      assert.ok(Math.abs(a - b) / b < 0.005, `${step} chi-square ${a} vs ${b}`);
    }
  } finally {
    Deno.removeSync(out, { recursive: true });
  }
});
