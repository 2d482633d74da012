/**
 * Content checks of a function reply against its request, beyond its shape (the schema): the
 * reply must answer this request's profiles, points, parameters, grid points or replicates, with
 * finite numbers where a fit needs them. A reply that fails is dropped and the item is sent again
 * (elsewhere when there are several endpoints), so a shortened array, `null`s or a server that
 * answers zeros never reaches the merge.
 *
 * @module
 */
import type { PayloadOf, ResultOf, WorkKind } from "../functions/payload.ts";

/**
 * The first problem of a reply against its request, or null when it is acceptable.
 *
 * @example
 * ```ts
 * replyProblem("grid", payload, { version: 1, id: payload.id, indices: [0], chisqr: [1] });
 * ```
 */
export function replyProblem<K extends WorkKind>(
  kind: K,
  request: PayloadOf[K],
  reply: ResultOf[K],
): string | null {
  const profiles = request.chunk.profiles;
  const retained = profiles.map((p) => p.mask.filter((m) => m).length);
  const ids = new Set(request.params.map((p) => p.id));
  const free = new Set(request.params.filter((p) => p.vary && p.expr === "").map((p) => p.id));
  const finite = (x: number | null) => x !== null && Number.isFinite(x);
  if (kind === "evaluate" || kind === "fit") {
    const r = reply as ResultOf["evaluate"] | ResultOf["fit"];
    const bad = r.freeIds.find((id) => !free.has(id));
    if (bad !== undefined) return `freeIds: "${bad}" is not a free parameter of the request`;
    if (r.scales.length !== profiles.length) {
      return `scales: ${r.scales.length} values for ${profiles.length} profiles`;
    }
    const flat: (number | null)[] = kind === "evaluate"
      ? (r as ResultOf["evaluate"]).residuals.flat()
      : (r as ResultOf["fit"]).residuals;
    if (kind === "evaluate") {
      const res = (r as ResultOf["evaluate"]).residuals;
      if (res.length !== profiles.length) {
        return `residuals: ${res.length} profiles for ${profiles.length} requested`;
      }
      const k = res.findIndex((x, j) => x.length !== retained[j]);
      if (k >= 0) return `residuals[${k}]: ${res[k].length} values for ${retained[k]} points`;
    } else {
      const n = retained.reduce((a, b) => a + b, 0);
      if (flat.length !== n) return `residuals: ${flat.length} values for ${n} points`;
      const params = (r as ResultOf["fit"]).params;
      const missing = [...ids].find((id) => !params.some((p) => p.id === id));
      if (missing !== undefined) return `params: no value for "${missing}"`;
      const nonFinite = params.find((p) => !finite(p.value));
      if (nonFinite) return `params: the value of "${nonFinite.id}" is not a finite number`;
    }
    const at = flat.findIndex((x) => !finite(x));
    if (at >= 0) return `residuals: value ${at + 1} is not a finite number`;
    // A model never matches measured, noisy intensities exactly at every point.
    if (flat.length >= 3 && flat.every((x) => x === 0)) {
      return "residuals: every value is exactly 0 (not a real evaluation)";
    }
    return null;
  }
  if (kind === "grid") {
    const g = reply as ResultOf["grid"];
    const req = request as PayloadOf["grid"];
    const size = req.values.reduce((n, v) => n * v.length, 1);
    const want = req.indices ?? Array.from({ length: size }, (_, k) => k);
    if (g.indices.length !== want.length || g.indices.some((k, i) => k !== want[i])) {
      return "indices: the reply does not answer the requested grid points";
    }
    if (g.chisqr.length !== want.length) {
      return `chisqr: ${g.chisqr.length} values for ${want.length} points`;
    }
    if (g.evaluations && g.evaluations.length !== want.length) {
      return `evaluations: ${g.evaluations.length} values for ${want.length} points`;
    }
    const asked = new Set(want);
    const stray = g.budgetHits?.findIndex((k) => !asked.has(k)) ?? -1;
    if (stray >= 0) return `budgetHits[${stray}]: not one of the requested grid points`;
    const neg = g.chisqr.findIndex((x) => x !== null && !(x >= 0));
    return neg >= 0 ? `chisqr[${neg}]: a chi-square must be a number >= 0` : null;
  }
  if (kind === "simulate") {
    const r = reply as ResultOf["simulate"];
    if (r.calc.length !== profiles.length || r.scales.length !== profiles.length) {
      return `calc: ${r.calc.length} profiles for ${profiles.length} requested`;
    }
    const k = r.calc.findIndex((c, j) => c.length !== profiles[j].x.length);
    if (k >= 0) return `calc[${k}]: ${r.calc[k].length} values for ${profiles[k].x.length} points`;
    const bad = r.calc.findIndex((c) => !c.every(finite));
    return bad >= 0 ? `calc[${bad}]: a value is not a finite number` : null;
  }
  const rep = reply as ResultOf["replicate"];
  const req = request as PayloadOf["replicate"];
  if (
    rep.replicates.length !== req.indices.length ||
    rep.replicates.some((x, i) => x.index !== req.indices[i])
  ) {
    return "replicates: the reply does not answer the requested replicate indices";
  }
  const k = rep.replicates.findIndex((x) => x.values.length !== req.outputIds.length);
  return k >= 0 ? `replicates[${k}].values: one value per output id expected` : null;
}
