/**
 * Synthetic CPMG plot data the size of ChemEx's methyl example (CPMG_CH3_1H_SQ: 16 profiles per
 * field, 20 CPMG frequencies, a smooth curve at every allowed ncyc), deterministic, for the plot
 * benchmark: rendering cost depends on the number of panels, points and curve vertices, not on
 * the physics.
 *
 * @module
 */
import type { CpmgPlotData } from "../src/plot/cpmg.ts";

/**
 * `profiles` CPMG profiles with `points` points each (every fourth excluded from the fit).
 *
 * @example
 * ```ts
 * const data = methylLikeCpmg(16, 20);
 * data[0].points.length; // 20
 * ```
 */
export function methylLikeCpmg(profiles: number, points: number): CpmgPlotData[] {
  const tT2S = 0.04;
  return Array.from({ length: profiles }, (_, k) => {
    const rex = 5 + 2 * k;
    const r2 = (nu: number) => 12 + rex / (1 + (nu / (200 + 30 * k)) ** 2);
    const pts = Array.from({ length: points }, (_, i) => {
      const nu = ((i + 1) * 1000) / points;
      const noise = 0.4 * Math.sin(7 * i + k);
      return {
        nuCpmgHz: nu,
        r2Exp: r2(nu) + noise,
        errLow: 0.3 + 0.01 * i,
        errHigh: 0.35 + 0.01 * i,
        r2Calc: r2(nu),
        used: i % 4 !== 3,
      };
    });
    const curve = Array.from({ length: 40 }, (_, i) => {
      const nu = (i + 1) / tT2S;
      return { nuCpmgHz: nu, r2Calc: r2(nu) };
    });
    return { name: `L${24 + k}HD1-CD1`, points: pts, curve };
  });
}
