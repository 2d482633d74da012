/**
 * Full-precision checks against `../shared/refdata/timing/<FOLDER>.json` (ChemEx's unscaled
 * intensities printed with repr): load the fixture's study and compare every profile.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import { createCalculator, intensitiesAt } from "../src/fit/evaluate.ts";
import { refdataTest, referenceCommand } from "./_refdata.ts";

interface TimingProfile {
  file: string;
  profile: string;
  metadata: number[];
  calc_unscaled: string[];
}

/**
 * Largest relative error (to the profile's largest |value|) of our unscaled intensities against
 * ChemEx's for every profile of `timing/<name>.json`, with the study of `simulate/<name>`.
 */
export function fullPrecisionTest(name: string, tol: number): void {
  refdataTest(`${name}: unscaled intensities match ChemEx's repr values to ${tol}`, (refdata) => {
    const folder = `${refdata}/simulate/${name}`;
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
    const loaded = loadStudy({
      experiments: take("-e"),
      parameters: take("-p"),
      model: parseModel(d >= 0 ? args[d + 1] : "2st"),
    });
    const { study, store } = loaded;
    const pv = compileStore(store);
    evaluateDefinitions(pv);
    const timing = JSON.parse(Deno.readTextFileSync(`${refdata}/timing/${name}.json`));
    let worst = 0;
    for (const ref of timing.profiles as TimingProfile[]) {
      const k = study.profiles.findIndex((p) =>
        p.name === ref.profile &&
        study.experiments[p.experiment].file.endsWith(ref.file.replace(/^\.?\//, ""))
      );
      assert.ok(k >= 0, `profile ${ref.profile} of ${ref.file} not found`);
      const p = study.profiles[k];
      const values = Float64Array.from(p.paramIds.map((id) => pv.values[pv.index.get(id)!]));
      const calc = createCalculator(study, k);
      const got = intensitiesAt(calc, values, Float64Array.from(ref.metadata));
      const want = ref.calc_unscaled.map(Number);
      const scale = Math.max(...want.map(Math.abs));
      want.forEach((w, i) => {
        const err = Math.abs(got[i] - w) / scale;
        worst = Math.max(worst, err);
        assert.ok(err <= tol, `${ref.file} ${ref.profile} x=${ref.metadata[i]}: ${got[i]} vs ${w}`);
      });
    }
    console.log(`${name}: worst relative difference ${worst.toExponential(2)}`);
  });
}
