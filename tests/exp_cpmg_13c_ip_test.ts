import { simulateFixtureTest } from "./_refdata.ts";
import { kernelTests } from "./_cpmg_kernel.ts";

simulateFixtureTest("simulate/CPMG_13C_IP");

// Intensities from ChemEx's own sequence code for the same local values (see _cpmg_kernel.ts).
kernelTests("cpmg_13c_ip", [
  {
    label: "ncyc -1",
    pair: "ch",
    settings: { time_t2: 0.04, carrier: 20.0, pw90: 1.5e-05, time_equil: 0.005 },
    ncycs: [-1, 0, 1, 2, 2.5, 5, 10, 40],
    expected: [
      0.1876582443107675,
      0.8928628219187643,
      0.19575838567691237,
      0.19618425321659677,
      0.2720344317788811,
      0.2781970837094229,
      0.44933786294545824,
      0.580583156727023,
    ],
  },
]);
