/**
 * The CPMG engine's sharing between profiles that differ only in detection
 * (`src/experiments/_cpmg_share.ts`): DQ and ZQ profiles of one residue in one calculator set
 * compute their propagation once, and every profile still gets exactly the numbers it gets
 * alone, whatever the order of evaluation and however the parameters move in between.
 */
import { strict as assert } from "node:assert";
import { createCalculator, intensitiesAt } from "../src/fit/evaluate.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import { refdataTest } from "./_refdata.ts";
import { loadReferenceStudy } from "./_reference_study.ts";

refdataTest("CPMG DQ/ZQ partners share their propagation, bit for bit", (refdata) => {
  const { study, store } = loadReferenceStudy(`${refdata}/simulate/CPMG_HN_DQ_ZQ`);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const valuesOf = (k: number) =>
    Float64Array.from(study.profiles[k].paramIds.map((id) => pv.values[pv.index.get(id)!]));
  const shared = new Map<string, unknown>();
  const together = study.profiles.map((_, k) => createCalculator(study, k, shared));
  const alone = study.profiles.map((_, k) => createCalculator(study, k));
  // A DQ profile and its ZQ partner (same residue, same field).
  const dq = 0;
  const zq = study.profiles.findIndex((p, k) =>
    k !== dq && p.name === study.profiles[dq].name &&
    study.experiments[p.experiment].conditions.h_larmor_frq ===
      study.experiments[study.profiles[dq].experiment].conditions.h_larmor_frq
  );
  assert.ok(zq > 0, "the fixture has the DQ profile's ZQ partner");
  const base = valuesOf(dq);
  const moved = base.map((v, i) => v * (1 + 0.01 * Math.sin(i + 1)));
  // Order: partner after partner (shared), then a parameter change seen by one side only,
  // then a different x array (plot-like), then back.
  const steps: [number, Float64Array, Float64Array][] = [
    [dq, base, together[dq].x],
    [zq, base, together[zq].x],
    [zq, moved, together[zq].x],
    [dq, base, together[dq].x],
    [zq, moved, together[zq].x],
    [dq, moved, Float64Array.of(0, 3, 40, 3)],
    [zq, moved, Float64Array.of(0, 3, 40, 3)],
    [zq, moved, together[zq].x],
  ];
  const hits: boolean[] = [];
  for (const [k, values, x] of steps) {
    const sp = together[k].spectrometer;
    sp.resetCounters();
    const got = intensitiesAt(together[k], values, x);
    hits.push(sp.propagatorCount === 0);
    const want = intensitiesAt(alone[k], values, x);
    assert.deepEqual([...got], [...want], `profile ${k}: the same numbers as alone`);
  }
  // Reused: the ZQ partner right after its DQ at the same values and x; the DQ plot-like call
  // after the ZQ's fit-x call at the same values (its ncyc values are among them); and the calls
  // after that, while the kept vectors stay current. Recomputed: any call whose inputs differ
  // from the last computed ones.
  assert.deepEqual(hits, [false, true, false, false, false, true, true, true]);
  // Detection differs: DQ and ZQ are not the same curve.
  const a = intensitiesAt(together[dq], base, together[dq].x);
  const b = intensitiesAt(together[zq], base, together[dq].x);
  assert.ok(a.some((v, i) => v !== b[i]), "DQ and ZQ intensities differ");
});
