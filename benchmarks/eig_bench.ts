/**
 * Eigen route vs Padé for exponentials of one Liouvillian at many delays.
 *
 * Prints, per size, the median time of one Padé `expm`, one `eigDecompose`, one `expFromEig`,
 * one `expFromEigApply` (exp(L·t)·v), and the number of delays from which one decomposition
 * plus reconstructions beats Padé.
 *
 * Run: `deno run --allow-read benchmarks/eig_bench.ts`
 *
 * @module
 */

import { addTerm, createBasis } from "../src/nmr/basis.ts";
import { createExpmWorkspace, expm } from "../src/nmr/expm.ts";
import { createEigWorkspace, eigDecompose, expFromEig, expFromEigApply } from "../src/nmr/eig.ts";

/** Deterministic uniform [0, 1) stream (Park–Miller), so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/** A CEST-like Liouvillian: relaxation, shifts, a B1 field along x and full exchange. */
function liouvillian(type: string, states: string[], rnd: () => number): Float64Array {
  const basis = createBasis(type, states);
  const l = new Float64Array(basis.size * basis.size);
  const term = (name: string, f: number) => {
    const t = basis.terms.get(name);
    if (t) addTerm(l, t, f);
  };
  for (const s of states) {
    term(`r2_i_${s}`, 5 + 40 * rnd());
    term(`r1_i_${s}`, 0.5 + 2 * rnd());
    term(`r2_s_${s}`, 5 + 20 * rnd());
    term(`r1_s_${s}`, 0.5 + 2 * rnd());
    term(`r2a_i_${s}`, 5 + 40 * rnd());
    term(`r1a_is_${s}`, 1 + 5 * rnd());
    term(`etaxy_i_${s}`, 2 * rnd());
    term(`cs_i_${s}`, 2 * Math.PI * (2000 * rnd() - 1000));
    term(`j_is_${s}`, -93);
  }
  term("b1x_i", 25 + 500 * rnd());
  for (const s1 of states) {
    for (const s2 of states) {
      if (s1 !== s2) term(`k${s1}${s2}`, (10 + 1000 * rnd()) / (states.length - 1));
    }
  }
  return l;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * Median per-call time in µs of each of `fns`. Repeats of the different functions are
 * interleaved so that load from other processes hits them alike and their ratios stay fair.
 */
function times(fns: ((i: number) => void)[], repeats = 15): number[] {
  // Let every function reach its optimised tier before calibrating.
  for (const fn of fns) {
    const t0 = performance.now();
    for (let i = 0; performance.now() - t0 < 50; i++) fn(i);
  }
  const iters = fns.map((fn) => {
    let k = 1;
    for (;;) {
      const t0 = performance.now();
      for (let i = 0; i < k; i++) fn(i);
      if (performance.now() - t0 > 10) return k;
      k *= 2;
    }
  });
  const per: number[][] = fns.map(() => []);
  for (let r = 0; r < repeats; r++) {
    fns.forEach((fn, f) => {
      const t0 = performance.now();
      for (let i = 0; i < iters[f]; i++) fn(i);
      per[f].push((performance.now() - t0) / iters[f] * 1000);
    });
  }
  return per.map(median);
}

const cases: [number, string, string[]][] = [
  [6, "ixyz", ["a", "b"]],
  [12, "ixyz", ["a", "b", "c", "d"]],
  [18, "ixyzsz", ["a", "b", "c"]],
  [30, "ixyzsz", ["a", "b", "c", "d", "e"]],
];

const header = [
  "n",
  "expm / delay (µs)",
  "eigDecompose (µs)",
  "expFromEig / delay (µs)",
  "break-even delays",
  "expFromEigApply / delay (µs)",
];
const rows = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
for (const [n, type, states] of cases) {
  const rnd = rng(12345 + n);
  const mats = Array.from({ length: 16 }, () => liouvillian(type, states, rnd));
  const ews = createExpmWorkspace(n);
  const ws = createEigWorkspace(n);
  const out = new Float64Array(n * n);
  const vout = new Float64Array(n);
  const v = new Float64Array(n).fill(1);
  // Delays spread like a CPMG profile: 0.5 ms .. 40 ms.
  const delay = (i: number) => 5e-4 + 4e-2 * ((i * 0.618034) % 1);
  let accepted = 0;
  for (const m of mats) if (eigDecompose(m, ws)) accepted++;
  // The reconstructions use their own workspace, so decompositions timed alongside them cannot
  // change what they reconstruct.
  const wsRec = createEigWorkspace(n);
  eigDecompose(mats[0], wsRec);
  const [tExpm, tDec, tRec, tApp] = times([
    (i) => expm(out, mats[i & 15], delay(i), ews),
    (i) => eigDecompose(mats[i & 15], ws),
    (i) => expFromEig(out, delay(i), wsRec),
    (i) => expFromEigApply(vout, delay(i), v, wsRec),
  ]);
  // Smallest m with tDec + m·tRec < m·tExpm.
  const breakEven = tExpm > tRec ? Math.floor(tDec / (tExpm - tRec)) + 1 : Infinity;
  const cells = [n, tExpm, tDec, tRec, breakEven, tApp].map((c, k) =>
    k === 0 || k === 4 ? String(c) : c.toFixed(2)
  );
  rows.push(
    `| ${cells.join(" | ")} |` +
      (accepted < mats.length ? ` (${accepted}/${mats.length} accepted)` : ""),
  );
}
console.log(rows.join("\n"));
