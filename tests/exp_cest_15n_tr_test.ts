import { strict as assert } from "node:assert";
import { simulateFixtureTest } from "./_refdata.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { cest15nTr } from "../src/experiments/catalog/cest_15n_tr.ts";

// Model 2st.mf; TROSY and anti-TROSY files.
simulateFixtureTest("simulate/CEST_15N_TR");

const VALUES: Record<string, number> = {
  pa: 1,
  r2_i_a: 10,
  r1_i_a: 1.5,
  r2a_i_a: 12,
  r1a_is_a: 3,
  etaxy_i_a: 4,
  etaz_i_a: 0.5,
  cs_i_a: 120,
  j_is_a: -93,
};

Deno.test("cest_15n_tr: TROSY/anti-TROSY start, detection and dip positions", () => {
  const x = Float64Array.of(-2e4, -46.5, 46.5);
  const settings = { time_t1: 0.2, carrier: 120, b1_frq: 15 };
  const tr = sequenceFor(cest15nTr, { settings, values: VALUES, states: ["a"] }).sequence(x);
  const anti = sequenceFor(cest15nTr, {
    settings: { ...settings, antitrosy: true },
    values: VALUES,
    states: ["a"],
  }).sequence(x);
  // detect(start): ([2izsz] ∓ [iz])·(2izsz ∓ iz) = 2·p_a.
  assert.equal(tr[0], 2);
  assert.equal(anti[0], 2);
  // Ω = 2π(δ-term − offset + …) and J = −93 Hz: the TROSY line of 15N sits at +J/2·(−1) = +46.5 Hz
  // offset and the anti-TROSY one at −46.5 Hz, so each experiment's dip is on its own side.
  assert.ok(tr[2] < tr[1], `${Array.from(tr)}`);
  assert.ok(anti[1] < anti[2], `${Array.from(anti)}`);
  assert.deepEqual(cest15nTr.toBeFitted("a", { antitrosy: true }).rates, [
    "r2_i",
    "r1_i_a",
    "r1a_is",
    "etaxy_i_a",
    "etaz_i_a",
  ]);
  assert.deepEqual(cest15nTr.toBeFitted("a", { antitrosy: false }).rates, [
    "r2_i",
    "r1_i_a",
    "r1a_is",
  ]);
});
