/**
 * `ExpFamily` (src/nmr/frechet_adjoint.ts): the contraction of cotangents of exp(A·t_k) with a
 * direction E equals Σ_k ⟨C_k, L(A·t_k, E·t_k)⟩ from the block-triangular Fréchet derivative, on
 * the eigenbasis route and on its fallback (eigenbasis refused), for dense and rank-one
 * cotangents.
 */
import { strict as assert } from "node:assert";
import { ExpFamily } from "../src/nmr/frechet_adjoint.ts";
import { createFrechetWorkspace, expmFrechet } from "../src/nmr/frechet.ts";
import { rng } from "./_models.ts";

function random(n: number, u: () => number, scale: number): Float64Array {
  return Float64Array.from({ length: n * n }, () => scale * (2 * u() - 1));
}

Deno.test("ExpFamily contracts cotangents exactly, on the eigenbasis and on its fallback", () => {
  const n = 6;
  const u = rng(4242);
  // A relaxation–exchange-like generator: decaying diagonal, oscillating off-diagonal pairs.
  const a = random(n, u, 30);
  for (let i = 0; i < n; i++) a[i * n + i] = -5 - 20 * u();
  const dirs = [random(n, u, 1), null, random(n, u, 1)];
  const times = [1e-3, 4e-3];
  const cots = times.map(() => random(n, u, 1));
  const w = Float64Array.from({ length: n }, () => u());
  const v = Float64Array.from({ length: n }, () => u());
  // Reference: Σ_k ⟨C_k, L(A·t_k, E·t_k)⟩ + ⟨w·vᵀ, L(A·t_0, E·t_0)⟩.
  const fw = createFrechetWorkspace(n);
  const d = new Float64Array(n * n);
  const reference = dirs.map((e) => {
    if (!e) return 0;
    let sum = 0;
    times.forEach((t, k) => {
      expmFrechet(null, d, a, e, t, fw);
      for (let i = 0; i < n * n; i++) sum += cots[k][i] * d[i];
    });
    expmFrechet(null, d, a, e, times[0], fw);
    for (let r = 0; r < n; r++) for (let q = 0; q < n; q++) sum += w[r] * v[q] * d[r * n + q];
    return sum;
  });
  for (
    const [label, fam] of [["eigen", new ExpFamily(n)], ["fallback", new ExpFamily(n, 0)]] as const
  ) {
    fam.prepare(a, dirs);
    assert.equal(fam.eigen, label === "eigen", `${label} route taken`);
    fam.clear();
    times.forEach((t, k) => fam.add(cots[k], t));
    fam.addOuter(w, v, times[0]);
    dirs.forEach((_, l) => {
      const got = fam.contract(l);
      const scale = Math.max(1, Math.abs(reference[l]));
      assert.ok(
        Math.abs(got - reference[l]) <= 1e-9 * scale,
        `${label}, direction ${l}: ${got} vs ${reference[l]}`,
      );
    });
  }
});
