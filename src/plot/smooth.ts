/**
 * Display-only densification of a model curve known at discrete x: monotone piecewise-cubic
 * Hermite interpolation (Fritsch–Carlson, as SciPy's PchipInterpolator), which passes through
 * every computed point, adds no overshoot between them and keeps monotone stretches monotone.
 *
 * Why not evaluate the model between the points: a CPMG experiment exists only at whole numbers of
 * cycles (ncyc, even ones for some sequences), each with its own τ_cp and pulse timing; the model
 * at every allowed ncyc is what the curve already holds (ChemEx #405: its wiggles with finite
 * pulses are real predictions, not noise). Between two allowed ncyc there is no experiment to
 * compute, so the smooth line is an interpolation for the eye and never reaches a data file.
 *
 * @module
 */

function pchipSlopes(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const n = x.length;
  const d = new Float64Array(n);
  if (n < 2) return d;
  const h = new Float64Array(n - 1);
  const delta = new Float64Array(n - 1);
  for (let k = 0; k < n - 1; k++) {
    h[k] = x[k + 1] - x[k];
    delta[k] = (y[k + 1] - y[k]) / h[k];
  }
  if (n === 2) {
    d[0] = d[1] = delta[0];
    return d;
  }
  for (let k = 1; k < n - 1; k++) {
    if (delta[k - 1] * delta[k] <= 0) d[k] = 0;
    else {
      const w1 = 2 * h[k] + h[k - 1];
      const w2 = h[k] + 2 * h[k - 1];
      d[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k]);
    }
  }
  const end = (h0: number, h1: number, m0: number, m1: number) => {
    let s = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
    if (Math.sign(s) !== Math.sign(m0)) s = 0;
    else if (Math.sign(m0) !== Math.sign(m1) && Math.abs(s) > Math.abs(3 * m0)) s = 3 * m0;
    return s;
  };
  d[0] = end(h[0], h[1], delta[0], delta[1]);
  d[n - 1] = end(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
  return d;
}

/**
 * Steps per x range a display curve needs: 1/120 of the range is 3.3 px on a 400 px panel, where
 * a chord of the curves drawn here departs from the arc by well under a pixel.
 */
const STEPS_PER_RANGE = 120;

/**
 * The curve with interpolated points (PCHIP) inserted between each pair of computed points,
 * sorted by x; the computed points are kept exactly. Each interval is cut into `perInterval`
 * steps, or by default into as many as keep every step within 1/120 of the x range (a CPMG curve
 * computed at each of 60 ncyc gets two points per interval, about 180 in all; eight per interval,
 * as before, drew 480 points 0.8 px apart into every SVG, PDF page and report figure). Points with
 * non-finite x or y split the curve: no line is drawn across them.
 *
 * @example
 * ```ts
 * const dense = smoothCurve([{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 4 }], 4);
 * dense.length; // 9
 * dense[4]; // { x: 1, y: 1 }
 * ```
 */
export function smoothCurve(
  curve: readonly { x: number; y: number }[],
  perInterval?: number,
): { x: number; y: number }[] {
  const pts = curve.filter((c) => Number.isFinite(c.x) && Number.isFinite(c.y))
    .slice().sort((a, b) => a.x - b.x)
    .filter((c, k, all) => k === 0 || c.x !== all[k - 1].x);
  if (pts.length < 3 || (perInterval !== undefined && perInterval < 2)) return pts;
  const x = pts.map((p) => p.x);
  const y = pts.map((p) => p.y);
  const d = pchipSlopes(x, y);
  const maxStep = (x[x.length - 1] - x[0]) / STEPS_PER_RANGE;
  const out: { x: number; y: number }[] = [];
  for (let k = 0; k < pts.length - 1; k++) {
    out.push(pts[k]);
    const h = x[k + 1] - x[k];
    const steps = perInterval ?? Math.ceil(h / maxStep);
    for (let j = 1; j < steps; j++) {
      const t = j / steps;
      const t2 = t * t;
      const t3 = t2 * t;
      const v = (2 * t3 - 3 * t2 + 1) * y[k] + (t3 - 2 * t2 + t) * h * d[k] +
        (-2 * t3 + 3 * t2) * y[k + 1] + (t3 - t2) * h * d[k + 1];
      out.push({ x: x[k] + t * h, y: v });
    }
  }
  out.push(pts[pts.length - 1]);
  return out;
}
