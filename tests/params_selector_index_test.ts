/**
 * The selector index (`src/params/selector_index.ts`) finds exactly what a scan of the whole
 * store finds, in the same order, for selectors with and without NAME, spin part and conditions.
 */
import { strict as assert } from "node:assert";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { parseParamName, selectorMatches } from "../src/params/name.ts";
import { entriesByName, selectorCandidates } from "../src/params/selector_index.ts";

Deno.test("selector candidates give the same matches as a scan of the whole store", () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_selidx_" });
  try {
    const s = writeSyntheticStudy(dir, { residues: 12, noise: 0.01, seed: 1 });
    const { store } = loadStudy({
      experiments: s.experiments,
      parameters: [s.parameters],
      model: parseModel("2st"),
    });
    const names = [...new Set([...store.values()].map((p) => p.pname.name))];
    const selectors = [
      "PB",
      "KEX_AB",
      "CS_A",
      "NUC->N",
      "NUC->H",
      "NUC->2",
      "CS_A, NUC->N",
      "CS_A, NUC->3N",
      "R2_A, NUC->5N, B0->500MHz",
      "R2_A, B0->800MHz",
      "DW_AB, NUC->G",
      "NOPE",
      ...names,
      ...names.map((n) => `${n}, NUC->4N`),
    ];
    assert.ok(names.length > 3, names.join());
    const candidates = selectorCandidates(store);
    let matched = 0;
    for (const text of selectors) {
      const sel = parseParamName(text);
      const scan = [...store.values()].filter((p) => selectorMatches(sel, p.pname, "attributes"));
      const fast = candidates(sel).filter((p) => selectorMatches(sel, p.pname, "attributes"));
      assert.deepEqual(fast.map((p) => p.id), scan.map((p) => p.id), text);
      matched += scan.length;
    }
    assert.ok(matched > 50, `only ${matched} matches: the selectors test too little`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("entries by name keep their order and include the entries without NAME", () => {
  const entries = ["CS_A, NUC->1N", "NUC->2N", "R2_A", "CS_A"].map((t) => ({
    t,
    sel: parseParamName(t),
  }));
  const forName = entriesByName(entries, (e) => e.sel);
  assert.deepEqual(forName("CS_A").map((e) => e.t), ["CS_A, NUC->1N", "NUC->2N", "CS_A"]);
  assert.deepEqual(forName("PB").map((e) => e.t), ["NUC->2N"]);
});
