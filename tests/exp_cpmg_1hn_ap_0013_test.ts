import { simulateFixtureTest } from "./_refdata.ts";
import { kernelTests } from "./_cpmg_kernel.ts";

simulateFixtureTest("simulate/CPMG_1HN_AP_0013");

// Intensities from ChemEx's own sequence code for the same local values (see _cpmg_kernel.ts).
kernelTests("cpmg_1hn_ap_0013", [
  {
    label: "plain central 180",
    pair: "hn",
    settings: {},
    ncycs: [0, 1, 2, 2.5, 5, 10, 40],
    expected: [
      -1.4565076811399944,
      -0.6538343325780211,
      -0.6555189738706397,
      -0.769067463231618,
      -0.7763027389128945,
      -0.9187028468750407,
      -0.9902406545065763,
    ],
  },
  {
    label: "reburp, observed b, start a+b",
    pair: "hn",
    settings: { reburp_flg: true },
    observed: ["b"],
    start: ["a", "b"],
    ncycs: [0, 1, 2, 2.5, 5, 10, 40],
    expected: [
      -0.03835774829247326,
      -0.002005922735542595,
      0.0027096780638928538,
      -0.001490102877736146,
      -0.01603292826423315,
      -0.025963318956313767,
      -0.030534627408472438,
    ],
  },
  {
    label: "eburp + ipap + equilibration delays",
    pair: "hn",
    settings: {
      eburp_flg: true,
      ipap_flg: true,
      time_equil_1: 0.003,
      time_equil_2: 0.002,
    },
    ncycs: [0, 1, 2, 2.5, 5, 10, 40],
    expected: [
      -4.883033920582959,
      -2.1529765652648725,
      -2.126694416893466,
      -2.5662640030705446,
      -2.8132660609408346,
      -3.39366241858824,
      -3.6759509887033084,
    ],
  },
], { base: { time_t2: 0.02, carrier: 8.3, pw90: 1.2e-05, ncyc_max: 40 } });
