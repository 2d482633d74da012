import { simulateFixtureTest } from "./_refdata.ts";

simulateFixtureTest("simulate/COSCEST_1HN_IP_AP");
