import { strict as assert } from "node:assert";
import { simulateFixtureTest } from "./_refdata.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { cestCh31hIpAp } from "../src/experiments/catalog/cest_ch3_1h_ip_ap.ts";

// Model 2st.rs.
simulateFixtureTest("simulate/CEST_CH3_1H_IP_AP");

Deno.test("cest_ch3_1h_ip_ap: references read through the INEPT, saturated points through J", () => {
  const values: Record<string, number> = {
    pa: 1,
    r2_i_a: 20,
    r1_i_a: 1.5,
    r2_s_a: 10,
    r1_s_a: 1.0,
    r2a_i_a: 22,
    r1a_is_a: 2.5,
    etaxy_i_a: 0,
    etaz_i_a: 0,
    cs_i_a: 0.8,
    j_is_a: 125,
  };
  const settings = { time_t1: 0.3, carrier: 0.5, b1_frq: 30, d1: 1.0, taua: 2.0e-3 };
  const { sequence } = sequenceFor(cestCh31hIpAp, { settings, values, states: ["a"] });
  const out = sequence(Float64Array.of(-2e4, 500));
  // Reference: Iz after d1 (from IE) and t1 of recovery, turned into −2IzSz by the INEPT
  // 90x–τa–180(Ix,Sx)–τa–90(−y): −Iz·sin(2πJτa), damped over 2τa by the mean of R2 and R2a.
  const iz = 1 - Math.exp(-1.5 * 1.0);
  const recovered = iz * Math.exp(-1.5 * 0.3) + (1 - Math.exp(-1.5 * 0.3));
  const ineptGain = Math.sin(2 * Math.PI * 125 * 2.0e-3) * Math.exp(-21 * 2 * 2.0e-3);
  assert.ok(Math.abs(out[0] + recovered * ineptGain) < 5e-3, `${out[0]}`);
  // Saturated points are read without INEPT: 2IzSz only arises from J evolution of the
  // nutating in-phase terms, so without J nothing is detected.
  assert.ok(Math.abs(out[1]) > 1e-3);
  const noJ = sequenceFor(cestCh31hIpAp, {
    settings,
    values: { ...values, j_is_a: 0 },
    states: ["a"],
  }).sequence(Float64Array.of(500));
  assert.ok(Math.abs(noJ[0]) < 1e-15, `${noJ[0]}`);
});
