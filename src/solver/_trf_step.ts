/**
 * The TRF's choice of step (`trf.ts`): the trust-region step cut back at the bounds, its
 * reflection, or the constrained Cauchy step, whichever the quadratic model likes best.
 *
 * @module
 */
import {
  buildQuadratic1d,
  evaluateQuadratic,
  inBounds,
  intersectTrustRegion,
  minimizeQuadratic1d,
  norm2,
  stepSizeToBound,
} from "./_trf_common.ts";

/**
 * Best of three candidate steps: the trust-region step cut back to stay
 * strictly feasible, its reflection off the first bound it crosses, and the
 * constrained Cauchy step along the scaled anti-gradient.
 */
export function selectStep(
  x: Float64Array,
  jh: Float64Array,
  m: number,
  n: number,
  diagH: Float64Array,
  gH: Float64Array,
  p: Float64Array,
  pH: Float64Array,
  d: Float64Array,
  delta: number,
  lb: Float64Array,
  ub: Float64Array,
  theta: number,
): { step: Float64Array; stepH: Float64Array; predicted: number } {
  const xp = new Float64Array(n);
  for (let i = 0; i < n; i++) xp[i] = x[i] + p[i];
  if (inBounds(xp, lb, ub)) {
    const value = evaluateQuadratic(jh, m, n, gH, pH, diagH);
    return { step: p, stepH: pH, predicted: -value };
  }

  const { step: pStride, hits } = stepSizeToBound(x, p, lb, ub);

  let rH = pH.slice();
  for (let i = 0; i < n; i++) if (hits[i] !== 0) rH[i] = -rH[i];
  let r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = d[i] * rH[i];

  // Truncate the trust-region step at the bound it meets first.
  const pB = new Float64Array(n);
  const pHB = new Float64Array(n);
  const xOnBound = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    pB[i] = p[i] * pStride;
    pHB[i] = pH[i] * pStride;
    xOnBound[i] = x[i] + pB[i];
  }

  // The reflected ray leaves either the box or the trust region first.
  const toTrR = intersectTrustRegion(pHB, rH, delta)[1];
  const toBoundR = stepSizeToBound(xOnBound, r, lb, ub).step;

  let rStride = Math.min(toBoundR, toTrR);
  let rStrideL: number, rStrideU: number;
  if (rStride > 0) {
    rStrideL = ((1 - theta) * pStride) / rStride;
    rStrideU = rStride === toBoundR ? theta * toBoundR : toTrR;
  } else {
    rStrideL = 0;
    rStrideU = -1;
  }

  let rValue: number;
  if (rStrideL <= rStrideU) {
    const [a, b, c] = buildQuadratic1d(jh, m, n, gH, rH, diagH, pHB);
    [rStride, rValue] = minimizeQuadratic1d(a, b, rStrideL, rStrideU, c);
    const rH2 = new Float64Array(n);
    const r2 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      rH2[i] = rH[i] * rStride + pHB[i];
      r2[i] = rH2[i] * d[i];
    }
    rH = rH2;
    r = r2;
  } else {
    rValue = Infinity;
  }

  // Step back from the bound so that the iterate stays strictly interior.
  for (let i = 0; i < n; i++) {
    pB[i] *= theta;
    pHB[i] *= theta;
  }
  const pValue = evaluateQuadratic(jh, m, n, gH, pHB, diagH);

  const agH = new Float64Array(n);
  const ag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    agH[i] = -gH[i];
    ag[i] = d[i] * agH[i];
  }
  const toTrAg = delta / norm2(agH);
  const toBoundAg = stepSizeToBound(x, ag, lb, ub).step;
  let agStride = toBoundAg < toTrAg ? theta * toBoundAg : toTrAg;
  const [aa, ba] = buildQuadratic1d(jh, m, n, gH, agH, diagH, null);
  let agValue: number;
  [agStride, agValue] = minimizeQuadratic1d(aa, ba, 0, agStride);
  for (let i = 0; i < n; i++) {
    agH[i] *= agStride;
    ag[i] *= agStride;
  }

  if (pValue < rValue && pValue < agValue) return { step: pB, stepH: pHB, predicted: -pValue };
  if (rValue < pValue && rValue < agValue) return { step: r, stepH: rH, predicted: -rValue };
  return { step: ag, stepH: agH, predicted: -agValue };
}
