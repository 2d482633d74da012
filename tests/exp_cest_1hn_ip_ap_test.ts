import { strict as assert } from "node:assert";
import { simulateFixtureTest } from "./_refdata.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { cest1hnIpAp } from "../src/experiments/catalog/cest_1hn_ip_ap.ts";
import { matvec } from "../src/nmr/expm.ts";
import { dot } from "../src/nmr/spectrometer.ts";
import { detectionVector } from "../src/experiments/detection.ts";

// Model 2st.rs; filter_ref_planes defaults to true but ChemEx's simulate applies no filter.
simulateFixtureTest("simulate/CEST_1HN_IP_AP");

const VALUES: Record<string, number> = {
  pa: 0.92,
  pb: 0.08,
  kab: 16,
  kba: 184,
  r2_i_a: 25,
  r1_i_a: 1.2,
  r2_s_a: 5,
  r1_s_a: 1.0,
  r2a_i_a: 28,
  r1a_is_a: 2.5,
  etaxy_i_a: 3,
  etaz_i_a: 0.4,
  cs_i_a: 8.3,
  cs_i_b: 8.9,
  j_is_a: -93,
};
for (const k of ["r2_i", "r1_i", "r2_s", "r1_s", "r2a_i", "r1a_is", "etaxy_i", "etaz_i", "j_is"]) {
  VALUES[`${k}_b`] = VALUES[`${k}_a`];
}

Deno.test("cest_1hn_ip_ap: η blocks and INEPT read-out follow the documented sequence", () => {
  const settings = {
    time_t1: 0.2,
    carrier: 8.0,
    b1_frq: 30,
    d1: 0.5,
    eta_block: 2,
    taua: 2.38e-3,
  };
  const x = Float64Array.of(-3e4, -200, 0, 180, 360);
  const { sequence, spectrometer: sp } = sequenceFor(cest1hnIpAp, { settings, values: VALUES });
  const got = sequence(x);
  // Rebuild the same sequence by hand from Padé propagators of the Spectrometer.
  const n = sp.size;
  const m = () => new Float64Array(n * n);
  const mul = (a: Float64Array, b: Float64Array) => sp.mul(m(), a, b);
  const s180 = sp.ideal180(m(), "s", 0);
  const i180 = sp.ideal180(m(), "i", 0);
  sp.offsetI = 0;
  sp.rebuild();
  const dRec = sp.delay(m(), Math.max(settings.d1 - settings.time_t1, 0));
  const dTaua = sp.delay(m(), settings.taua);
  const inept = mul(
    sp.ideal90I(m(), 3),
    mul(dTaua, mul(mul(i180, s180), mul(dTaua, sp.ideal90I(m(), 0)))),
  );
  const start = new Float64Array(n);
  matvec(start, dRec, sp.startVector(["ie"]), n);
  sp.basis.components.forEach((c, j) => {
    if (c !== "ie" && c !== "iz") {
      for (let s = 0; s < sp.basis.states.length; s++) {
        start[s * sp.basis.components.length + j] = 0;
      }
    }
  });
  const detect = detectionVector(sp.basis, "[2izsz]", ["a"]);
  const taue = 0.5 * settings.time_t1 / settings.eta_block;
  x.forEach((offset, i) => {
    sp.offsetI = offset;
    sp.rebuild();
    const p = sp.pulseI(m(), taue, 30);
    const d2 = sp.delay(m(), 2 * taue);
    const block = mul(p, mul(s180, mul(d2, mul(s180, p))));
    let v = start.slice();
    for (let k = 0; k < settings.eta_block; k++) {
      const w = new Float64Array(n);
      matvec(w, block, v, n);
      v = w;
    }
    if (Math.abs(offset) > 1e4) {
      const w = new Float64Array(n);
      matvec(w, inept, v, n);
      v = w;
    }
    const expected = dot(detect, v);
    assert.ok(Math.abs(got[i] - expected) < 1e-12, `${offset}: ${got[i]} vs ${expected}`);
  });
  // Without η blocks the saturation is one continuous pulse after the full d1.
  const plain = sequenceFor(cest1hnIpAp, {
    settings: { ...settings, eta_block: 0 },
    values: VALUES,
  }).sequence(x);
  assert.ok(plain.every(Number.isFinite));
  assert.ok(Math.abs(plain[0]) > 0.1, "the INEPT turns Iz into detectable 2IzSz");
  assert.equal(cest1hnIpAp.schema.keys.filter_ref_planes.default, true);
});
