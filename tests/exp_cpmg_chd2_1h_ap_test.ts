import { simulateFixtureTest } from "./_refdata.ts";
import { kernelTests } from "./_cpmg_kernel.ts";

simulateFixtureTest("simulate/CPMG_CHD2_1H_AP");

// Intensities from ChemEx's own sequence code for the same local values (see _cpmg_kernel.ts).
kernelTests("cpmg_chd2_1h_ap", [
  {
    label: "ncyc -1",
    pair: "hc",
    settings: { time_t2: 0.03, carrier: 1.0, pw90: 1.1e-05, time_equil: 0.001 },
    ncycs: [-1, 0, 1, 2, 2.5, 5, 10, 40],
    expected: [
      0.2669524061368553,
      0.8960349018343304,
      0.2777155262987362,
      0.27675884332380873,
      0.35378521977426286,
      0.36194923546568775,
      0.49705836119797153,
      0.5783462541517783,
    ],
  },
]);
