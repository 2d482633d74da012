/**
 * Equilibria behind the kinetic models: 1:1 binding, monomer/oligomer association, stationary
 * populations of a rate network and Eyring rates. Everything is a pure function of numbers so
 * that it can be called from parameter definitions (see `functions.ts`).
 *
 * Closed forms are written so that no two large quantities of similar size are subtracted
 * (the "stable quadratic root"); where no closed form exists, a monotone Newton iteration on a
 * bracket is used, which cannot overshoot for the increasing convex mass balances met here.
 *
 * @module
 */

/**
 * Free concentration of one partner of a 1:1 association X + Y ⇌ XY with dissociation constant
 * `kd`, given the totals of X (`selfTotal`) and Y (`otherTotal`).
 *
 * The free X solves x² + (Y₀ − X₀ + Kd)·x − X₀·Kd = 0; the positive root is taken in whichever
 * of its two algebraically equal forms has no cancellation.
 *
 * @example
 * ```ts
 * bindingFree(1e-3, 1.5e-4, 1e-5); // free protein ≈ 8.5174e-4 M
 * bindingFree(1.5e-4, 1e-3, 1e-5); // free ligand ≈ 1.7407e-6 M
 * ```
 */
export function bindingFree(selfTotal: number, otherTotal: number, kd: number): number {
  if (!(selfTotal > 0)) return 0;
  if (!(kd > 0)) return Math.max(selfTotal - Math.max(otherTotal, 0), 0);
  if (kd === Infinity) return selfTotal;
  const b = otherTotal - selfTotal + kd;
  const c = selfTotal * kd;
  // b² + 4c rewritten as (X₀ − Y₀)² + Kd(Kd + 2(X₀ + Y₀)) (with Y₀ ≥ 0) stays a sum of squares.
  const disc = Math.sqrt(b * b + 4 * c);
  return b > 0 ? (2 * c) / (b + disc) : (disc - b) / 2;
}

/**
 * Concentration of the complex XY of a 1:1 association (smaller root of
 * c² − (X₀ + Y₀ + Kd)·c + X₀·Y₀ = 0, in its cancellation-free form).
 *
 * @example
 * ```ts
 * bindingComplex(1e-3, 1.5e-4, 1e-5); // ≈ 1.48259e-4 M
 * ```
 */
export function bindingComplex(pTotal: number, lTotal: number, kd: number): number {
  if (!(pTotal > 0) || !(lTotal > 0)) return 0;
  if (kd === Infinity) return 0;
  const k = Math.max(kd, 0);
  const s = pTotal + lTotal + k;
  const d = pTotal - lTotal;
  const disc = Math.sqrt(d * d + k * (k + 2 * (pTotal + lTotal)));
  return (2 * pTotal * lTotal) / (s + disc);
}

/**
 * Root in [0, total] of m + Σ cₖ·m^pₖ = total (all cₖ ≥ 0, pₖ ≥ 2): the free monomer of an
 * association equilibrium. The left side is increasing and convex, so Newton's method started
 * from an upper bound decreases monotonically onto the root; it stops when it no longer moves.
 *
 * @example
 * ```ts
 * solveMonomer(1e-3, [[4 / 1e-9, 4]]); // monomer of M + 4·M⁴/Kd = P with Kd = 1e-9 M³
 * ```
 */
export function solveMonomer(total: number, terms: readonly (readonly [number, number])[]): number {
  if (!(total > 0)) return 0;
  const active = terms.filter(([c]) => c > 0);
  if (active.some(([c]) => c === Infinity)) return 0;
  // Each term alone bounds the root: c·m^p ≤ total.
  let hi = total;
  for (const [c, p] of active) hi = Math.min(hi, (total / c) ** (1 / p));
  let lo = 0;
  let m = hi;
  for (let iter = 0; iter < 300; iter++) {
    let f = m - total;
    let df = 1;
    for (const [c, p] of active) {
      const mp1 = m ** (p - 1);
      f += c * mp1 * m;
      df += p * c * mp1;
    }
    if (f === 0) return m;
    if (f > 0) hi = m;
    else lo = m;
    let next = m - f / df;
    // Newton from above never leaves the bracket in exact arithmetic; bisect if rounding says so.
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - m) <= 1e-15 * m || hi - lo <= 4e-16 * hi) return next;
    m = next;
  }
  return m;
}

/**
 * Free monomer of an n-mer equilibrium n·M ⇌ Mₙ with Kd·[Mₙ] = [M]ⁿ and total protomer
 * concentration `pTotal` (M + n·[Mₙ] = P): closed forms for n = 2 (stable quadratic root) and
 * n = 3 (Cardano, cancellation-free), Newton on a bracket beyond.
 *
 * @example
 * ```ts
 * oligomerMonomer(1e-3, 1.6e-2, 2); // ≈ 9.3e-4 M
 * ```
 */
export function oligomerMonomer(pTotal: number, kd: number, n: number): number {
  if (!(pTotal > 0)) return 0;
  if (!(kd > 0)) return 0;
  if (kd === Infinity) return pTotal;
  if (n === 2) {
    // 2M² + Kd·M − Kd·P = 0
    return (2 * pTotal) / (1 + Math.sqrt(1 + (8 * pTotal) / kd));
  }
  if (n === 3) {
    // M³ + (Kd/3)·M − Kd·P/3 = 0: with u³ = −q/2 + √Δ and v = p/(3u), M = u − v is evaluated as
    // (u³ − v³)/(u² + uv + v²), a sum of positive terms.
    const p = kd / 3;
    const q = -kd * pTotal / 3;
    const u = Math.cbrt(-q / 2 + Math.sqrt((q * q) / 4 + (p * p * p) / 27));
    const v = p / (3 * u);
    return -q / (u * u + u * v + v * v);
  }
  return solveMonomer(pTotal, [[n / kd, n]]);
}

/**
 * Concentration of the n-mer of {@link oligomerMonomer}'s equilibrium, [Mₙ] = [M]ⁿ/Kd,
 * computed as (P − M)/n where that subtraction is harmless.
 *
 * @example
 * ```ts
 * oligomerComplex(1e-3, 1.6e-2, 2); // dimer concentration (M)
 * ```
 */
export function oligomerComplex(pTotal: number, kd: number, n: number): number {
  if (!(pTotal > 0)) return 0;
  const m = oligomerMonomer(pTotal, kd, n);
  if (m <= pTotal / 2 || !(kd > 0)) return (pTotal - m) / n;
  return m ** n / kd;
}

/** Species of a three-species association equilibrium. */
export interface Oligomers {
  monomer: number;
  dimer: number;
  /** Trimer or tetramer. */
  oligomer: number;
}

/**
 * M + M ⇌ D (Kd1·D = M²) and M + D ⇌ T (Kd2·T = M·D), with M + 2D + 3T = P.
 *
 * @example
 * ```ts
 * monomerDimerTrimer(1e-3, 1e-4, 1e-4).monomer;
 * ```
 */
export function monomerDimerTrimer(pTotal: number, kd1: number, kd2: number): Oligomers {
  if (!(pTotal > 0)) return { monomer: 0, dimer: 0, oligomer: 0 };
  // Kd1 = 0: no free monomer is left, so no trimer can form either (unless Kd2 = 0 too).
  if (!(kd1 > 0)) {
    return kd2 > 0
      ? { monomer: 0, dimer: pTotal / 2, oligomer: 0 }
      : { monomer: 0, dimer: 0, oligomer: pTotal / 3 };
  }
  const c2 = 2 / kd1;
  const c3 = kd2 > 0 ? 3 / (kd1 * kd2) : Infinity;
  if (c3 === Infinity) return { monomer: 0, dimer: 0, oligomer: pTotal / 3 };
  const m = solveMonomer(pTotal, [[c2, 2], [c3, 3]]);
  const dimer = (m * m) / kd1;
  return { monomer: m, dimer, oligomer: (m * dimer) / kd2 };
}

/**
 * M + M ⇌ D (Kd1·D = M²) and D + D ⇌ Q (Kd2·Q = D²), with M + 2D + 4Q = P.
 *
 * @example
 * ```ts
 * monomerDimerTetramer(1e-3, 1e-4, 1e-4).dimer;
 * ```
 */
export function monomerDimerTetramer(pTotal: number, kd1: number, kd2: number): Oligomers {
  if (!(pTotal > 0)) return { monomer: 0, dimer: 0, oligomer: 0 };
  if (!(kd1 > 0)) {
    // Everything is at least dimeric; the dimer/tetramer split is a 2-mer equilibrium of dimers.
    const dimer = oligomerMonomer(pTotal / 2, kd2, 2);
    return { monomer: 0, dimer, oligomer: (pTotal / 2 - dimer) / 2 };
  }
  const c2 = 2 / kd1;
  const c4 = kd2 > 0 ? 4 / (kd1 * kd1 * kd2) : Infinity;
  if (c4 === Infinity) return { monomer: 0, dimer: 0, oligomer: pTotal / 4 };
  const m = solveMonomer(pTotal, [[c2, 2], [c4, 4]]);
  const dimer = (m * m) / kd1;
  return { monomer: m, dimer, oligomer: (dimer * dimer) / kd2 };
}

/**
 * Stationary populations of a continuous-time rate network: `rates[i][j]` is the rate constant
 * from state i to state j (diagonal ignored). Irreducible networks use the GTH elimination
 * (Grassmann–Taksar–Heyman: only additions of positive terms, so small populations keep full
 * relative precision). Conventions for degenerate networks follow ChemEx: a state without any
 * transition gets population 0 and the others are solved without it; a network with no
 * transition at all puts everything in its first state.
 *
 * @example
 * ```ts
 * stationaryPopulations([[0, 10], [190, 0]]); // [0.95, 0.05]
 * ```
 */
export function stationaryPopulations(rates: readonly (readonly number[])[]): number[] {
  const n = rates.length;
  const out = new Array<number>(n).fill(0);
  solveSubset(rates, [...Array(n).keys()], out);
  return out;
}

function solveSubset(rates: readonly (readonly number[])[], idx: number[], out: number[]): void {
  if (idx.length === 0) return;
  if (idx.length === 1) {
    out[idx[0]] = 1;
    return;
  }
  const linked = (i: number) => idx.some((j) => j !== i && (rates[i][j] > 0 || rates[j][i] > 0));
  if (!idx.some(linked)) {
    out[idx[0]] = 1;
    return;
  }
  const isolated = idx.find((i) => !linked(i));
  if (isolated !== undefined) {
    solveSubset(rates, idx.filter((i) => i !== isolated), out);
    return;
  }
  const p = gth(rates, idx) ?? linearSolve(rates, idx);
  if (p === null) {
    out[idx[0]] = 1;
    return;
  }
  idx.forEach((i, k) => (out[i] = p[k]));
}

function gth(rates: readonly (readonly number[])[], idx: number[]): number[] | null {
  const n = idx.length;
  const a = idx.map((i) => idx.map((j) => (i === j ? 0 : Math.max(rates[i][j], 0))));
  const s = new Array<number>(n).fill(0);
  for (let k = n - 1; k > 0; k--) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += a[k][j];
    if (!(sum > 0) || !Number.isFinite(sum)) return null;
    s[k] = sum;
    for (let i = 0; i < k; i++) {
      const f = a[i][k] / sum;
      if (f === 0) continue;
      for (let j = 0; j < k; j++) if (j !== i) a[i][j] += f * a[k][j];
    }
  }
  const pi = new Array<number>(n).fill(0);
  pi[0] = 1;
  let total = 1;
  for (let k = 1; k < n; k++) {
    let v = 0;
    for (let i = 0; i < k; i++) v += pi[i] * a[i][k];
    pi[k] = v / s[k];
    total += pi[k];
  }
  return pi.map((v) => v / total);
}

/** Reducible networks with one closed class: K·p = 0 with Σp = 1 by partial-pivot elimination. */
function linearSolve(rates: readonly (readonly number[])[], idx: number[]): number[] | null {
  const n = idx.length;
  const m = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  for (let r = 0; r < n - 1; r++) {
    for (let c = 0; c < n; c++) {
      if (r === c) {
        let out = 0;
        for (let j = 0; j < n; j++) if (j !== r) out += rates[idx[r]][idx[j]];
        m[r][c] = -out;
      } else m[r][c] = rates[idx[c]][idx[r]];
    }
  }
  for (let c = 0; c <= n; c++) m[n - 1][c] = 1;
  for (let c = 0; c < n; c++) {
    let best = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[best][c])) best = r;
    if (!(Math.abs(m[best][c]) > 0)) return null;
    [m[c], m[best]] = [m[best], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let v = m[r][n];
    for (let k = r + 1; k < n; k++) v -= m[r][k] * x[k];
    x[r] = v / m[r][r];
  }
  // Rounding may leave −0 or −1e-17 where a transient state has no population.
  return x.every((v) => Number.isFinite(v)) ? x.map((v) => Math.max(v, 0)) : null;
}

/** SciPy's exact SI constants (2019 redefinition). */
const BOLTZMANN = 1.380649e-23;
const PLANCK = 6.62607015e-34;
const GAS_CONSTANT = 8.31446261815324;
const ZERO_CELSIUS = 273.15;

/** ChemEx caps Eyring rates at 1e16 s⁻¹. */
export const MAX_EYRING_RATE = 1e16;

/**
 * Eyring rate constant out of a state with enthalpy `dhFrom` (J/mol) and entropy `dsFrom`
 * (J/mol/K) through a transition state with `dhTs`, `dsTs` (all relative to state A) at
 * `celsius`: k = (k_B·T/h)·exp(−ΔG‡/RT), capped at 1e16 s⁻¹ as ChemEx does. Underflow gives 0.
 *
 * @example
 * ```ts
 * eyringRate(6.5e4, 0, 0, 0, 25); // k_AB for ΔH‡ = 65 kJ/mol
 * ```
 */
export function eyringRate(
  dhTs: number,
  dsTs: number,
  dhFrom: number,
  dsFrom: number,
  celsius: number,
): number {
  const kelvin = celsius + ZERO_CELSIUS;
  const dg = dhTs - dhFrom - kelvin * (dsTs - dsFrom);
  const k = (BOLTZMANN * kelvin / PLANCK) * Math.exp(-dg / (GAS_CONSTANT * kelvin));
  return Math.min(Math.max(k, 0), MAX_EYRING_RATE);
}
