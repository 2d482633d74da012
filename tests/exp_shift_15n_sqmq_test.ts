import { strict as assert } from "node:assert";
import { copyToTemp, refdataTest, referenceCommand, runExfit } from "./_refdata.ts";
import { compareShiftDats, parseShiftDat } from "./_shift_helpers.ts";
import { shift15nSqmq } from "../src/experiments/catalog/shift_15n_sqmq.ts";
import { sequenceFor } from "./_exp_helpers.ts";

refdataTest("simulate simulate/Combination_Shifts matches ChemEx to 0.001 ppb", async (refdata) => {
  const folder = `${refdata}/simulate/Combination_Shifts`;
  const out = await runExfit(folder, referenceCommand(folder));
  try {
    const worst = compareShiftDats(`${folder}/OutputSim`, out, ["sqmq_500.dat", "sqmq_800.dat"]);
    assert.ok(worst <= 0.001);
  } finally {
    Deno.removeSync(out, { recursive: true });
  }
});

function sqmq(pb: number, kex: number, dwH: number, r2mq = 10, mu = 0): number {
  const values = {
    pa: 1 - pb,
    pb,
    kab: kex * pb,
    kba: kex * (1 - pb),
    cs_i_a: 120,
    cs_i_b: 123,
    cs_s_a: 8.0,
    cs_s_b: 8.0 + dwH,
    r2_i_a: 10,
    r2_i_b: 10,
    r2mq_is_a: r2mq,
    r2mq_is_b: r2mq,
    mu_is_a: mu,
    mu_is_b: mu,
  };
  return sequenceFor(shift15nSqmq, { settings: {}, values }).sequence(Float64Array.of(0))[0];
}

Deno.test("shift_15n_sqmq: zero without a minor state or without exchange", () => {
  assert.ok(Math.abs(sqmq(0, 500, 0.3)) < 1e-9);
  assert.ok(Math.abs(sqmq(0.1, 0, 0.3)) < 1e-9);
});

Deno.test("shift_15n_sqmq: zero when only 15N changes and SQ/MQ relax alike", () => {
  // Then the SQ, DQ and ZQ lines all see the same Δω_N and the same exchange, so each moves by
  // the same amount from its own unperturbed frequency and SQ − (DQ + ZQ)/2 stays 0.
  assert.ok(Math.abs(sqmq(0.1, 500, 0)) < 1e-9);
  // A proton shift difference breaks the symmetry. Reversing Δω_H only swaps the roles of the
  // DQ (Δω_N + Δω_H) and ZQ (Δω_N − Δω_H) lines, so the difference is even in Δω_H.
  const plus = sqmq(0.1, 500, 0.3);
  const minus = sqmq(0.1, 500, -0.3);
  assert.ok(Math.abs(plus) > 0.1, `${plus} ppb`);
  assert.ok(Math.abs(plus - minus) < 1e-9 * Math.abs(plus), `${plus} vs ${minus}`);
});

const SELECTION = "11 29 85 108 112 113 116 117 134 135 136 139".split(" ");

// ChemEx's examples/Combinations/Shifts (CPMG ¹⁵N, CPMG ¹H and SQ/MQ shifts), used unchanged
// from the reference data in a temp copy: cpmg_1hn_800.toml carries `time_equil`, a key of
// sibling experiments that cpmg_1hn_ap does not have; like ChemEx, exfit ignores it (with a
// warning).
refdataTest(
  "Combinations/Shifts: CPMG and shifts together run, shifts equal the shift-only run",
  async (refdata) => {
    const root = copyToTemp(`${refdata}/inputs/chemex-examples/Combinations/Shifts`);
    const experiments = [...Deno.readDirSync(`${root}/Experiments`)].map((e) => e.name).sort();
    assert.deepEqual(experiments, [
      "cpmg_15n_500.toml",
      "cpmg_15n_800.toml",
      "cpmg_1hn_800.toml",
      "sqmq_500.toml",
      "sqmq_800.toml",
    ]);
    const args = (files: string[]) => [
      "simulate",
      "-e",
      ...files.map((f) => `Experiments/${f}`),
      "-p",
      "Parameters/parameters.toml",
      "--include",
      ...SELECTION,
    ];
    const all = await runExfit(root, args(experiments));
    const shifts = await runExfit(root, args(["sqmq_500.toml", "sqmq_800.toml"]));
    try {
      for (const f of ["cpmg_15n_500", "cpmg_15n_800", "cpmg_1hn_800"]) {
        assert.ok(Deno.statSync(`${all}/Data/${f}.dat`).size > 0, `${f}.dat written`);
      }
      for (const f of ["sqmq_500.dat", "sqmq_800.dat"]) {
        const together = Deno.readTextFileSync(`${all}/Data/${f}`);
        assert.equal(together, Deno.readTextFileSync(`${shifts}/Data/${f}`), f);
        assert.ok(together.split("\n").filter((l) => /^\s+\d/.test(l)).length >= 8, f);
      }
      // The shift-only run agrees with ChemEx's fixture on the selected spin systems.
      const ref = `${refdata}/simulate/Combination_Shifts/OutputSim/Data`;
      for (const f of ["sqmq_500.dat", "sqmq_800.dat"]) {
        const want = parseShiftDat(Deno.readTextFileSync(`${ref}/${f}`));
        for (const [name, cols] of parseShiftDat(Deno.readTextFileSync(`${shifts}/Data/${f}`))) {
          assert.deepEqual(cols, want.get(name), `${f} [${name}]`);
        }
      }
    } finally {
      for (const d of [all, shifts, root]) Deno.removeSync(d, { recursive: true });
    }
  },
);
