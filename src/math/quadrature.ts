/**
 * Gaussian quadrature rules computed for any order (Newton iteration on the three-term
 * recurrences rather than a table), used for B1 inhomogeneity grids.
 *
 * @module
 */

/**
 * Gauss–Hermite quadrature (physicists' weight e^{−x²}): n nodes in ascending order and their
 * weights, by Newton iteration on the orthonormal recurrence.
 *
 * @example
 * ```ts
 * gaussHermite(2).nodes; // [-0.7071067811865476, 0.7071067811865476]
 * ```
 */
export function gaussHermite(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const pim4 = Math.pow(Math.PI, -0.25);
  const m = Math.floor((n + 1) / 2);
  let z = 0;
  for (let i = 0; i < m; i++) {
    // Initial guesses of Numerical Recipes (gauher), refined by Newton's method.
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -0.16667);
    else if (i === 1) z -= 1.14 * Math.pow(n, 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * nodes[0];
    else if (i === 3) z = 1.91 * z - 0.91 * nodes[1];
    else z = 2.0 * z - nodes[i - 2];
    let pp = 0;
    for (let its = 0; its < 100; its++) {
      let p1 = pim4;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    nodes[i] = z;
    weights[i] = 2 / (pp * pp);
  }
  // gauher fills from the largest root down; mirror into ascending order.
  const outN = new Float64Array(n);
  const outW = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    outN[n - 1 - i] = nodes[i];
    outN[i] = -nodes[i];
    outW[n - 1 - i] = weights[i];
    outW[i] = weights[i];
  }
  if (n % 2 === 1) outN[m - 1] = 0;
  return { nodes: outN, weights: outW };
}

/**
 * Gauss–Legendre quadrature on [−1, 1]: n nodes in ascending order and their weights.
 *
 * @example
 * ```ts
 * gaussLegendre(2).nodes; // [-0.5773502691896257, 0.5773502691896257]
 * ```
 */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const m = Math.floor((n + 1) / 2);
  for (let i = 0; i < m; i++) {
    let z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
    let pp = 0;
    for (let its = 0; its < 100; its++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      pp = n * (z * p1 - p2) / (z * z - 1);
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-16) break;
    }
    nodes[n - 1 - i] = z;
    nodes[i] = -z;
    weights[i] = weights[n - 1 - i] = 2 / ((1 - z * z) * pp * pp);
  }
  if (n % 2 === 1) nodes[m - 1] = 0;
  return { nodes, weights };
}
