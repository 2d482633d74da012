import { simulateFixtureTest } from "./_refdata.ts";
import { kernelTests } from "./_cpmg_kernel.ts";

simulateFixtureTest("simulate/CPMG_1HN_AP");

// Intensities from ChemEx's own sequence code for the same local values (see _cpmg_kernel.ts).
kernelTests("cpmg_1hn_ap", [
  {
    label: "ncyc -1 and both equilibration delays",
    pair: "hn",
    settings: {
      time_t2: 0.02,
      carrier: 8.3,
      pw90: 1.2e-05,
      time_equil_1: 0.002,
      time_equil_2: 0.001,
    },
    ncycs: [-1, 0, 1, 2, 2.5, 5, 10, 40],
    expected: [
      0.36987008491127166,
      0.8355888330611378,
      0.374057430403239,
      0.36881520633880416,
      0.43850868819688116,
      0.46152404978264966,
      0.5537459997181655,
      0.5987486005533249,
    ],
  },
]);
