import { simulateFixtureTest } from "./_refdata.ts";
import { kernelTests } from "./_cpmg_kernel.ts";

simulateFixtureTest("simulate/CPMG_15N_TR_0013");

// Intensities from ChemEx's own sequence code for the same local values (see _cpmg_kernel.ts).
kernelTests("cpmg_15n_tr_0013", [
  {
    label: "s3e off, antitrosy false",
    pair: "nh",
    settings: { antitrosy: false },
    ncycs: [0, 1, 2, 2.5, 5, 10, 40],
    expected: [
      1.5226903446186382,
      0.3668515807841584,
      0.37977980564868624,
      0.5254576402205986,
      0.5983631701219934,
      0.8645895007940343,
      1.0288799425067043,
    ],
  },
  {
    label: "s3e off, antitrosy true",
    pair: "nh",
    settings: { antitrosy: true },
    ncycs: [0, 1, 2, 2.5, 5, 10, 40],
    expected: [
      1.514068310528795,
      0.28764436585566194,
      0.2981774953700136,
      0.43277446584418616,
      0.4712153560434317,
      0.6802256702173329,
      0.8091251614252121,
    ],
  },
], {
  base: {
    time_t2: 0.04,
    carrier: 119.0,
    pw90: 4.5e-05,
    ncyc_max: 40,
    time_equil: 0.005,
    s3e: false,
    taub: 0.0025,
  },
});
