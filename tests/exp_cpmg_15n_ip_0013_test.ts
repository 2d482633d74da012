import { simulateFixtureTest } from "./_refdata.ts";
import { kernelTests } from "./_cpmg_kernel.ts";

simulateFixtureTest("simulate/CPMG_15N_IP_0013");

// Intensities from ChemEx's own sequence code for the same local values (see _cpmg_kernel.ts).
kernelTests("cpmg_15n_ip_0013", [
  {
    label: "start b",
    pair: "nh",
    settings: {
      time_t2: 0.04,
      carrier: 119.0,
      pw90: 4.5e-05,
      ncyc_max: 40,
      time_equil: 0.005,
    },
    start: ["b"],
    ncycs: [0, 1, 2, 2.5, 5, 10, 40],
    expected: [
      0.1562225660187863,
      0.006758955883784286,
      -0.000913138012801557,
      0.008196846403004235,
      0.04743604269763096,
      0.08948108966602183,
      0.11473956167779772,
    ],
  },
]);
