import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { createCalculator } from "../src/fit/evaluate.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
const f = "/work/shared/refdata/simulate/" + Deno.args[0];
const exps = (Deno.args[3] ? Deno.args[3].split(",") : [...Deno.readDirSync(f + "/Experiments")].map(e => e.name).sort()).map(e => f + "/Experiments/" + e);
const { study, store } = loadStudy({ experiments: exps, parameters: [f + "/Parameters/" + [...Deno.readDirSync(f + "/Parameters")][0].name], model: parseModel(Deno.args[1] ?? "2st") });
const pv = compileStore(store); evaluateDefinitions(pv);
const calc = createCalculator(study, 0);
const lv = Float64Array.from(study.profiles[0].paramIds.map(id => pv.values[pv.index.get(id)!]));
const names = study.profiles[0].localNames;
console.log("jacobian?", !!calc.sequence.jacobian);
calc.spectrometer.update(lv);
const x = calc.xFit.slice(0, 8);
const { values, jac } = calc.sequence.jacobian!(x);
const nl = lv.length;
const v0 = calc.sequence(x);
console.log("values same:", values.every((v, i) => v === v0[i]));
for (let l = 0; l < nl; l++) {
  const h = Number(Deno.args[2] ?? 1e-5) * Math.max(1, Math.abs(lv[l]));
  const lp = lv.slice(); lp[l] += h; calc.spectrometer.update(lp); const fp = calc.sequence(x);
  const lm = lv.slice(); lm[l] -= h; calc.spectrometer.update(lm); const fm = calc.sequence(x);
  let worst = 0, norm = 0;
  for (let i = 0; i < x.length; i++) { const c = (fp[i]-fm[i])/(2*h); norm = Math.max(norm, Math.abs(c)); worst = Math.max(worst, Math.abs(c - jac[i*nl+l])); }
  console.log(names[l], lv[l], norm.toExponential(3), (worst/ (norm||1)).toExponential(2));
}
