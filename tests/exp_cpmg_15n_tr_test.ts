import { simulateFixtureTest } from "./_refdata.ts";
import { kernelTests } from "./_cpmg_kernel.ts";

simulateFixtureTest("simulate/CPMG_15N_TR");
simulateFixtureTest("simulate/Combination_N15_NH_RDC");

// Intensities from ChemEx's own sequence code for the same local values (see _cpmg_kernel.ts).
kernelTests("cpmg_15n_tr", [
  {
    label: "antitrosy, observed a+b",
    pair: "nh",
    settings: {
      time_t2: 0.03,
      carrier: 119.0,
      pw90: 4e-05,
      time_equil: 0.002,
      antitrosy: true,
      taub: 0.0027,
    },
    observed: ["a", "b"],
    ncycs: [0, 1, 2, 2.5, 5, 10, 40],
    expected: [
      -0.8417014088971212,
      -0.2332203352925156,
      -0.2651339505760764,
      -0.35995635485461064,
      -0.4076187770582939,
      -0.49185300337532,
      -0.5294773488326165,
    ],
  },
]);
