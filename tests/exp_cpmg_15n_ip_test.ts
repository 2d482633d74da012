import { simulateFixtureTest } from "./_refdata.ts";

simulateFixtureTest("simulate/CPMG_15N_IP");
