/**
 * Exact Jacobians against central differences, table-driven over the refdata simulate fixtures
 * (every experiment type with an example, and the kinetic models they use): for each fixture,
 * a group of up to two profiles with every independent parameter they use set free, at three
 * seeded points around the fixture's values; each column of the exact Jacobian must agree with
 * central differences to 1e-6 of the column's norm. Experiment types whose derivatives are not
 * exact yet (they fall back to forward differences) are listed in `_jacobian_check.ts` and must
 * not claim exactness.
 */
import { strict as assert } from "node:assert";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { createCalculator } from "../src/fit/evaluate.ts";
import { checkExactJacobian, DIFFERENCED } from "./_jacobian_check.ts";
import { REFDATA, refdataTest, referenceCommand } from "./_refdata.ts";

function loadFixture(folder: string) {
  const args = referenceCommand(folder);
  const take = (flag: string) => {
    const i = args.indexOf(flag);
    const out: string[] = [];
    for (let k = i + 1; k < args.length && !args[k].startsWith("-"); k++) {
      out.push(`${folder}/${args[k]}`);
    }
    return out;
  };
  const d = args.indexOf("-d");
  return loadStudy({
    experiments: take("-e"),
    parameters: take("-p"),
    model: parseModel(d >= 0 ? args[d + 1] : "2st"),
  });
}

const FIXTURES = REFDATA
  ? [...Deno.readDirSync(`${REFDATA}/simulate`)].filter((e) => e.isDirectory).map((e) => e.name)
    .sort()
  : [];

for (const name of FIXTURES) {
  refdataTest(`exact Jacobian matches central differences: ${name}`, (refdata) => {
    const { study, store } = loadFixture(`${refdata}/simulate/${name}`);
    const picks = study.profiles.map((_, k) => k).slice(0, 2);
    // At most about 12 retained points per profile keep the reference differences affordable.
    for (const k of picks) {
      const p = study.profiles[k];
      const kept = p.mask.filter((m) => m).length;
      const every = Math.ceil(kept / 12);
      let seen = 0;
      study.profiles[k] = { ...p, mask: p.mask.map((m) => m && seen++ % every === 0) };
    }
    const types = new Set(picks.map((k) => study.experiments[study.profiles[k].experiment].name));
    const exact = [...types].filter((t) => !DIFFERENCED.has(t));
    // Families that say they are exact must provide the derivative routine, the others not.
    for (const k of picks) {
      const calc = createCalculator(study, k);
      const t = study.experiments[study.profiles[k].experiment].name;
      assert.equal(!!calc.sequence.jacobian, !DIFFERENCED.has(t), `${t}: exactness as declared`);
    }
    if (exact.length === 0) {
      console.log(`${name}: ${[...types].join(", ")} not exact yet (forward differences)`);
      return;
    }
    const { columns: n, worst } = checkExactJacobian(study, store, picks, name);
    console.log(`${name} (${exact.join(", ")}): ${n} columns, worst ${worst.toExponential(2)}`);
  });
}
