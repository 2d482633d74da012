import { simulateFixtureTest } from "./_refdata.ts";
import { kernelTests } from "./_cpmg_kernel.ts";

simulateFixtureTest("simulate/CPMG_13CO_AP");

// Intensities from ChemEx's own sequence code for the same local values (see _cpmg_kernel.ts).
kernelTests("cpmg_13co_ap", [
  {
    label: "refocusing",
    pair: "cn",
    settings: {
      time_t2: 0.03,
      carrier: 176.8,
      pw90: 3.8e-05,
      time_equil: 0.003,
      refocusing: true,
      taucc: 0.009,
    },
    ncycs: [0, 2, 4, 6, 10, 20],
    expected: [
      0.8235926450963296,
      0.19500770311663293,
      0.23343141907520762,
      0.3186821249117808,
      0.4389704712315514,
      0.533370025929035,
    ],
  },
]);
