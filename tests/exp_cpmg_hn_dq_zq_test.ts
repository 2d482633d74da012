import { strict as assert } from "node:assert";
import { refdataTest, simulateFixtureTest } from "./_refdata.ts";
import { kernelTests } from "./_cpmg_kernel.ts";
import { loadReferenceStudy } from "./_reference_study.ts";
import { createCalculator, intensitiesAt } from "../src/fit/evaluate.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";

simulateFixtureTest("simulate/CPMG_HN_DQ_ZQ");

// Intensities from ChemEx's own sequence code for the same local values (see _cpmg_kernel.ts).
const NCYCS = [0, 1, 2, 2.5, 4, 10, 20, 40];
const DQ = { dq_flg: true };
const FROM_A = { observed: ["a", "b"], start: ["a"], pair: "nh", ncycs: NCYCS };
kernelTests("cpmg_hn_dq_zq", [
  {
    label: "ZQ",
    pair: "nh",
    settings: { dq_flg: false, pw90_n: 4.5e-05, pw90_h: 1.175e-05 },
    ncycs: NCYCS,
    expected: [
      0.9,
      0.14314493836194692,
      0.1447521326241239,
      0.2123815410312743,
      0.1474185481224499,
      0.2017912801569412,
      0.34488651390166286,
      0.41978807514224376,
    ],
  },
  {
    label: "DQ, 15N composite overlapping the 1H 90s",
    settings: { ...DQ, pw90_n: 1e-05, pw90_h: 1.2e-05 },
    ...FROM_A,
    expected: [
      0.9,
      0.23055507597793348,
      0.26315979121301897,
      0.35927269757985725,
      0.3313535617754687,
      0.392064866282375,
      0.4062977800284154,
      0.4121756652894687,
    ],
  },
  {
    label: "DQ, 1H composite overlapping the 15N 90s",
    settings: { ...DQ, pw90_n: 2e-05, pw90_h: 1.2e-05 },
    ...FROM_A,
    expected: [
      0.9,
      0.23073070102392365,
      0.26358545452445514,
      0.35984524413062396,
      0.3323814706393645,
      0.3942601979404006,
      0.4104649842213268,
      0.420487097874232,
    ],
  },
  {
    label: "DQ, 15N composite inside the 1H 240",
    settings: { ...DQ, pw90_n: 1.2e-05, pw90_h: 3e-05 },
    ...FROM_A,
    expected: [
      0.9,
      0.22925413968558228,
      0.26032524505378196,
      0.35556622515405334,
      0.3257292752128844,
      0.38049876670976873,
      0.3849079736572047,
      0.37091753634928115,
    ],
  },
], { base: { time_t2: 0.04, carrier_n: 119.0, carrier_h: 8.2 } });

refdataTest("cpmg_hn_dq_zq: 3 pulse exponentials per evaluation (one for both 8·pw/3 and pw)", (
  refdata,
) => {
  const { study, store } = loadReferenceStudy(`${refdata}/simulate/CPMG_HN_DQ_ZQ`);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const calc = createCalculator(study, 0);
  const values = Float64Array.from(
    study.profiles[0].paramIds.map((id) => pv.values[pv.index.get(id)!]),
  );
  const sp = calc.spectrometer;
  sp.resetCounters();
  // ncyc 0 (reference) and two points: two echo delays, then the composites' segments: the
  // second composite is turned from the first, and the first's two segments with both fields
  // on (8·pw90_H/3 and pw90_H) are powers of one exponential.
  const out = intensitiesAt(calc, values, Float64Array.of(0, 1, 2));
  assert.ok(out.every(Number.isFinite));
  assert.equal(sp.propagatorCount, 2 + 3);
});
