/**
 * Every kinetic model through the exact Jacobian's chain (`src/fit/jacobian.ts`): each model of
 * the registry, plain and with `.mf`, `.tc` and `.rs`, and ChemEx 2026.06.1's definitions
 * (`--compat 2026.06`), drives one synthetic `cest_15n` profile (an exact family, so every
 * column goes through ∂local/∂free of the model's definitions); with every independent
 * parameter free, the exact Jacobian must match five-point central differences at three seeded
 * points to 1e-6 of each column's norm. Needs no reference data.
 */
import { strict as assert } from "node:assert";
import { KINETIC_MODELS, LEGACY_MODELS_2026_06 } from "../src/models/registry.ts";
import { parseModel } from "../src/models/model.ts";
import { simulateStudy } from "../src/fit/synthetic.ts";
import type { DefaultEntry } from "../src/fit/study.ts";
import { checkExactJacobian } from "./_jacobian_check.ts";

/** Conditions every model can work with (binding, oligomers, Eyring, H/D, `.tc`). */
const CONDITIONS = { temperature: 25, p_total: 1e-3, l_total: 6e-4, d2o: 0.1, label: [] };

/** Longitudinal rates that make every state visible in the decays (R1_<X>, s⁻¹). */
function rates(states: readonly string[]): DefaultEntry[] {
  return states.map((s, k) => ({
    selector: `R1_${s.toUpperCase()}`,
    value: [1.2, 4.5, 2.6, 7.1, 0.8, 3.4][k],
  }));
}

function checkModel(model: string, compat?: "2026.06") {
  const spec = parseModel(model, compat);
  const { study, store } = simulateStudy({
    model,
    compat,
    experiments: [{
      stem: "600mhz",
      name: "relaxation_nz",
      hz: 600,
      settings: {},
      x: [0, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0, 1.5],
      conditions: CONDITIONS,
    }],
    residues: ["2N"],
    values: rates(spec.states),
  });
  const { columns, worst } = checkExactJacobian(
    study,
    store,
    [0],
    `${model}${compat ?? ""}`,
    false,
  );
  assert.ok(columns > 0);
  console.log(
    `${model}${compat ? ` (${compat})` : ""}: ${columns} columns, worst ${worst.toExponential(2)}`,
  );
}

const NAMES = Object.keys(KINETIC_MODELS).sort();

for (const suffix of ["", ".mf", ".tc", ".rs"]) {
  Deno.test(`exact Jacobian through every kinetic model${suffix || " (plain)"}`, () => {
    for (const name of NAMES) checkModel(`${name}${suffix}`);
  });
}

Deno.test("exact Jacobian through ChemEx 2026.06.1's model definitions", () => {
  for (const name of Object.keys(LEGACY_MODELS_2026_06).sort()) checkModel(name, "2026.06");
});
