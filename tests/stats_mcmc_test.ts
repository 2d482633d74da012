import { strict as assert } from "node:assert";
import {
  type BatchLogProb,
  integratedTime,
  resolveBurn,
  runMcmc,
  sampleEnsemble,
} from "../src/stats/mcmc.ts";
import { standardNormals, streamRng } from "../src/math/random.ts";
import { makeChunk } from "../src/fit/chunk.ts";
import { runFit } from "../src/run/run.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { refdataTest } from "./_refdata.ts";

/** y = a + b·t + N(0, σ²): with a flat prior the posterior is N(β̂, σ²(XᵀX)⁻¹). */
function linearProblem() {
  const sigma = 0.3;
  const t = Float64Array.from({ length: 40 }, (_, i) => i / 10);
  const z = standardNormals(streamRng(99n), t.length);
  const y = t.map((ti, i) => 1.5 + 0.8 * ti + sigma * z[i]);
  const n = t.length;
  const st = t.reduce((s, v) => s + v, 0);
  const stt = t.reduce((s, v) => s + v * v, 0);
  const sy = y.reduce((s, v) => s + v, 0);
  const sty = t.reduce((s, v, i) => s + v * y[i], 0);
  const det = n * stt - st * st;
  const mean = [(stt * sy - st * sty) / det, (n * sty - st * sy) / det];
  const cov = [[sigma ** 2 * stt / det, -(sigma ** 2) * st / det], [
    -(sigma ** 2) * st / det,
    sigma ** 2 * n / det,
  ]];
  const logProb: BatchLogProb = (points) =>
    Float64Array.from(points, ([a, b]) => {
      if (Math.abs(a) > 10 || Math.abs(b) > 10) return -Infinity;
      let chi2 = 0;
      for (let i = 0; i < n; i++) chi2 += ((y[i] - a - b * t[i]) / sigma) ** 2;
      return -0.5 * chi2;
    });
  return { mean, cov, logProb };
}

Deno.test("ensemble sampler recovers the mean and covariance of a linear-Gaussian posterior", () => {
  const { mean, cov, logProb } = linearProblem();
  const walkers = 32;
  const jitter = standardNormals(streamRng(5n), 2 * walkers);
  const init = Array.from(
    { length: walkers },
    (_, w) => Float64Array.of(mean[0] + 1e-3 * jitter[2 * w], mean[1] + 1e-3 * jitter[2 * w + 1]),
  );
  const steps = 3000;
  const res = sampleEnsemble(logProb, init, streamRng(6n), { steps });
  const time = integratedTime(res.chain, steps, walkers, 2);
  assert.ok(time.reliable, `tau ${Array.from(time.tau)}`);
  const burn = resolveBurn("auto", steps, time);
  assert.ok(burn.discard > 0 && burn.discard < steps / 5 && burn.warning === undefined);
  const xs: number[][] = [[], []];
  for (let s = burn.discard; s < steps; s++) {
    for (let w = 0; w < walkers; w++) {
      for (let d = 0; d < 2; d++) xs[d].push(res.chain[(s * walkers + w) * 2 + d]);
    }
  }
  const m = xs.map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  const c = (i: number, j: number) =>
    xs[i].reduce((s, v, k) => s + (v - m[i]) * (xs[j][k] - m[j]), 0) / (xs[i].length - 1);
  const ess = xs[0].length / Math.max(...time.tau);
  for (let d = 0; d < 2; d++) {
    const mcse = Math.sqrt(cov[d][d] / ess);
    assert.ok(Math.abs(m[d] - mean[d]) < 4 * mcse, `mean ${d}: ${m[d]} vs ${mean[d]} ± ${mcse}`);
    assert.ok(Math.abs(c(d, d) / cov[d][d] - 1) < 0.12, `var ${d}: ${c(d, d)} vs ${cov[d][d]}`);
  }
  const rho = c(0, 1) / Math.sqrt(c(0, 0) * c(1, 1));
  const rhoTrue = cov[0][1] / Math.sqrt(cov[0][0] * cov[1][1]);
  assert.ok(Math.abs(rho - rhoTrue) < 0.05, `correlation ${rho} vs ${rhoTrue}`);
  const acceptance = Array.from(res.accepted, (a) => a / steps);
  const meanAcc = acceptance.reduce((a, b) => a + b, 0) / walkers;
  assert.ok(meanAcc > 0.4 && meanAcc < 0.9, `acceptance ${meanAcc}`);
  // Same seed, same chain.
  const again = sampleEnsemble(logProb, init, streamRng(6n), { steps: 50 });
  assert.deepEqual(again.chain, res.chain.slice(0, 50 * walkers * 2));
});

Deno.test("integrated autocorrelation time of an AR(1) chain", () => {
  const phi = 0.8;
  const steps = 20000;
  const walkers = 8;
  const chain = new Float64Array(steps * walkers);
  const z = standardNormals(streamRng(11n), steps * walkers);
  for (let w = 0; w < walkers; w++) {
    let x = 0;
    for (let s = 0; s < steps; s++) {
      x = phi * x + Math.sqrt(1 - phi * phi) * z[s * walkers + w];
      chain[s * walkers + w] = x;
    }
  }
  const { tau, reliable } = integratedTime(chain, steps, walkers, 1);
  const expected = (1 + phi) / (1 - phi);
  assert.ok(reliable);
  assert.ok(Math.abs(tau[0] / expected - 1) < 0.15, `tau ${tau[0]} vs ${expected}`);
  const short = integratedTime(chain.slice(0, 100 * walkers), 100, walkers, 1);
  assert.equal(short.reliable, false);
  assert.match(resolveBurn("auto", 100, short).warning!, /unreliable/);
  assert.deepEqual(resolveBurn(17, 100, short), { discard: 17 });
});

refdataTest("MCMC on a fitted step: bounds are required, samples are reported", (refdata) => {
  const dir = `${refdata}/fit/CPMG_15N_IP`;
  const fitted = (compat: "2026.06" | "2026.09") => {
    const loaded = loadStudy({
      experiments: [`${dir}/Experiments/800mhz.toml`],
      parameters: [`${dir}/Parameters/parameters.toml`],
      model: parseModel("2st", compat),
      include: ["15"],
      compat,
    });
    [...runFit(loaded.study, loaded.store, [{ name: "", fit: [], fix: [], constraints: [] }], {
      plot: false,
      seed: 0,
    })];
    return {
      chunk: makeChunk(loaded.study, [0]),
      params: [...loaded.store.values()],
      settings: { steps: 60, burn: 10, thin: 2 } as const,
      seed: "4",
    };
  };
  // ChemEx 2026.09's finite default bounds (#751) are the MCMC support; 2026.06.1's open bounds
  // are not.
  assert.equal(runMcmc(fitted("2026.09")).walkers, 32);
  const task = fitted("2026.06");
  assert.throws(() => runMcmc(task), /finite bounds.*KEX_AB; R2_A, NUC->15N, B0->800.0MHZ/);
  for (const p of task.params) {
    if (p.vary && !p.expr) p.max = Math.max(10 * Math.abs(p.value), 1);
  }
  assert.throws(
    () => runMcmc({ ...task, settings: { ...task.settings, walkers: 4 } }),
    /at least 8/,
  );
  const r = runMcmc(task);
  assert.equal(r.walkers, 32);
  assert.equal(r.discard, 10);
  assert.equal(r.sampleCount, 25 * 32);
  assert.equal(r.samples.length, r.sampleCount * r.ids.length);
  assert.ok(r.acceptance.every((a) => a > 0 && a < 1));
  const k = r.ids.indexOf("PB");
  for (let i = 0; i < r.sampleCount; i++) {
    const v = r.samples[i * r.ids.length + k];
    assert.ok(v >= r.lower[k] && v <= r.upper[k]);
  }
  assert.deepEqual(runMcmc(task).samples, r.samples);
});
