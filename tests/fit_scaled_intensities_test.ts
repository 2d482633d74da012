/**
 * `scaledIntensities` (what output files, plots and simulations show): one propagation per
 * profile when every point is retained, and the same numbers as evaluating the retained points
 * on their own.
 */
import { strict as assert } from "node:assert";
import {
  createCalculator,
  fitScale,
  intensitiesAt,
  scaledIntensities,
} from "../src/fit/evaluate.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";

Deno.test("scaledIntensities propagates once when every point is retained, twice otherwise", () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_scaled_" });
  try {
    const s = writeSyntheticStudy(dir, { residues: 2, seed: 3 });
    const loaded = loadStudy({
      experiments: s.experiments,
      parameters: [s.parameters],
      model: parseModel("2st"),
    });
    const pv = compileStore(loaded.store);
    evaluateDefinitions(pv);
    const values = loaded.study.profiles.map((p) =>
      Float64Array.from(p.paramIds.map((id) => pv.values[pv.index.get(id)!]))
    );
    const calc = createCalculator(loaded.study, 0);
    let calls = 0;
    const counted = {
      ...calc,
      scaled: true,
      sequence: (x: Float64Array, labels?: readonly string[]) => {
        calls++;
        return calc.sequence(x, labels);
      },
    };
    const all = scaledIntensities(counted, values[0]);
    assert.equal(calls, 1);
    // The scale is the one fitted on the retained points, evaluated on their own.
    const alone = intensitiesAt(calc, values[0], calc.xFit);
    assert.equal(all.scale, fitScale(alone, calc.expFit, calc.errFit));
    // One point left out: the retained points are evaluated apart.
    calls = 0;
    const masked = {
      ...counted,
      xFit: calc.xFit.slice(1),
      expFit: calc.expFit.slice(1),
      errFit: calc.errFit.slice(1),
    };
    const some = scaledIntensities(masked, values[0]);
    assert.equal(calls, 2);
    const rest = intensitiesAt(calc, values[0], masked.xFit);
    assert.equal(some.scale, fitScale(rest, masked.expFit, masked.errFit));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
