/**
 * Exact derivatives of the spin-locked Bloch–McConnell decays (`docs/jacobians.md`): the
 * intensity s(t) = dᵀ·exp(L·t)·v with L = L_free + spin lock, v and d along the effective-field
 * axis of the primary state. L is linear in the local values (K = ∂s/∂L by the adjoint form);
 * the axis moves with the primary state's offset (its precession Ω = ½(L_yx − L_xy) against the
 * field w = ½(L_zy − L_yz)), so v and d have tangents too, and v is linear in the populations.
 *
 * @module
 */
import type { Spectrometer } from "../nmr/spectrometer.ts";
import { createExpmWorkspace, expm, matvec } from "../nmr/expm.ts";
import { ExpSensitivity } from "../nmr/frechet_sensitivity.ts";
import type { LocalDirection } from "./_derivatives.ts";
import type { SpinLock } from "./_r1rho.ts";
import { addOuter, transposeMatvec } from "./_sensitivity.ts";

/** Who starts and who is detected in a locked decay. */
export interface LockedDecay {
  primary: string;
  startStates: readonly string[];
  observed: readonly string[];
  population: (state: string) => number;
}

/**
 * Intensities d·exp(L·t)·v at each time (for the L last assembled in `lock`) and their
 * derivatives with respect to every local value (row-major, times × nLocal).
 *
 * @example
 * ```ts
 * lock.assemble(b1Hz);
 * const { values, jac } = lockedDecayJacobian(lock, sp, dirs, decay, [0, 0.05, 0.1]);
 * ```
 */
export function lockedDecayJacobian(
  lock: SpinLock,
  sp: Spectrometer,
  dirs: readonly LocalDirection[],
  o: LockedDecay,
  times: readonly number[],
): { values: Float64Array; jac: Float64Array } {
  const n = lock.n;
  const nl = sp.values.length;
  const l = lock.l;
  const axis = lock.axis(o.primary);
  const v = lock.vector(new Float64Array(n), axis, o.startStates, o.population);
  const d = lock.vector(new Float64Array(n), axis, o.observed, () => 1);
  const [x, y, z] = lock.block(o.primary);
  const omega = 0.5 * (l[y * n + x] - l[x * n + y]);
  const w = 0.5 * (l[z * n + y] - l[y * n + z]);
  const norm = Math.hypot(w, omega);
  const sign = omega < 0 ? -1 : 1;
  const axisTangent = (dl: Float64Array | null): number[] | null => {
    if (!dl || norm === 0) return null;
    const dO = 0.5 * (dl[y * n + x] - dl[x * n + y]);
    const dW = 0.5 * (dl[z * n + y] - dl[y * n + z]);
    if (dO === 0 && dW === 0) return null;
    const dn = (w * dW + omega * dO) / norm;
    return [sign * (dW - w * dn / norm) / norm, 0, sign * (dO - omega * dn / norm) / norm];
  };
  const tangents = dirs.map((dir) => {
    const da = axisTangent(dir.dl);
    return da
      ? {
        dv: lock.vector(new Float64Array(n), da, o.startStates, o.population),
        dd: lock.vector(new Float64Array(n), da, o.observed, () => 1),
      }
      : null;
  });
  // Populations scale the start on their state's block.
  const populations = o.startStates
    .map((s) => ({
      local: sp.local(`p${s}`),
      dv: lock.vector(new Float64Array(n), axis, [s], () => 1),
    }))
    .filter((p) => p.local >= 0);
  const values = new Float64Array(times.length);
  const jac = new Float64Array(times.length * nl);
  const ws = createExpmWorkspace(n);
  const sens = new ExpSensitivity(n);
  const p = new Float64Array(n * n);
  const k = new Float64Array(n * n);
  const g = new Float64Array(n * n);
  const m = new Float64Array(n);
  const a = new Float64Array(n);
  const dot = (u: Float64Array, q: Float64Array) => u.reduce((s, ui, i) => s + ui * q[i], 0);
  times.forEach((t, ti) => {
    expm(p, l, t, ws);
    matvec(m, p, v, n);
    transposeMatvec(a, p, d, n);
    values[ti] = dot(d, m);
    k.fill(0);
    g.fill(0);
    addOuter(g, d, v, 1, n);
    sens.add(k, l, t, g);
    const row = ti * nl;
    dirs.forEach((dir, q) => {
      let s = 0;
      if (dir.dl) { for (let i = 0; i < n * n; i++) if (dir.dl[i] !== 0) s += dir.dl[i] * k[i]; }
      const tg = tangents[q];
      if (tg) s += dot(a, tg.dv) + dot(m, tg.dd);
      jac[row + dir.local] += s;
    });
    for (const pop of populations) jac[row + pop.local] += dot(a, pop.dv);
  });
  return { values, jac };
}
