/**
 * What a group fit's end point says about itself: which standard errors mean nothing (a Δω at
 * the symmetric point 0, a flat direction of an ill-conditioned normal matrix, a rank-deficient
 * Jacobian) or need a caveat (a parameter on a bound), and whether the answer may not be the best
 * minimum (the triggers of the basin search, `basins.ts`). Pure functions over the solver's plain
 * output; cheap next to the fit (one SVD of the Jacobian the covariance needs anyway).
 *
 * @module
 */
import type { CovarianceResult } from "../solver/covariance.ts";

/** Why a basin search should follow a fit. */
export type BasinTrigger = "symmetric" | "bound" | "ill-conditioned" | "budget" | "poor-fit";

/** Diagnostics of one group fit. */
export interface FitDiagnostics {
  /**
   * Per free parameter (the fit's order): `""` when its standard error is meaningful, else why
   * not; see {@link ErrorNote}.
   */
  notes: ErrorNote[];
  /** Reasons to look for other basins ([] for a clean interior minimum). */
  triggers: BasinTrigger[];
}

/**
 * A parameter's error caveat: `kind: "unavailable"` replaces the error (it means nothing),
 * `"warning"` keeps it with a remark (ChemEx's "boundary may make uncertainty asymmetric").
 */
export interface ErrorNote {
  kind: "" | "unavailable" | "warning";
  text: string;
}

/** Inverse condition number (equilibrated Jacobian) below which a direction counts as flat. */
const FLAT_RCOND = 1e-6;
/** Weight of a parameter in a flat singular direction that marks it undetermined. */
const FLAT_WEIGHT = 0.3;
/** |value| / error below which a Δω sits at the symmetric point 0. */
const SYMMETRIC_RATIO = 0.05;
/** Relative distance to a bound (of max(1, |bound|)) that counts as on it. */
const BOUND_RTOL = 1e-6;

/**
 * Whether a parameter id is a chemical-shift difference (Δω), whose sign the data of most
 * experiments do not fix: χ² is even in it, and its derivative vanishes at 0.
 *
 * @example
 * ```ts
 * isShiftDifference("DW_AB, NUC->G23N"); // true
 * isShiftDifference("KEX_AB"); // false
 * ```
 */
export function isShiftDifference(id: string): boolean {
  return /^DW_?[A-Z]{2}\b/.test(id);
}

/**
 * Kind of parameter a basin search samples (`basins.ts`): Δω, exchange rates, populations and the
 * model-free correlation times and order parameters; `"other"` (relaxation rates, shifts, …) stays
 * at its starting value in every start.
 *
 * @example
 * ```ts
 * basinRole("KEX_AB"); // "rate"
 * basinRole("KHH_A, NUC->Y8"); // "other"
 * ```
 */
export type BasinRole = "dw" | "rate" | "population" | "tauc" | "order" | "other";

/** The {@link BasinRole} of a parameter id. */
export function basinRole(id: string): BasinRole {
  if (isShiftDifference(id)) return "dw";
  if (/^(KEX|KON|KOFF)_?[A-Z]*\b/.test(id)) return "rate";
  if (/^P[A-Z]\b/.test(id)) return "population";
  if (/^TAUC_[A-Z]\b/.test(id)) return "tauc";
  if (/^S2_[A-Z]\b/.test(id)) return "order";
  return "other";
}

/**
 * Whether a parameter is a rate of the ground state A that no basin search samples (a relaxation
 * rate such as `R2_A` or `KHH_A`, not an exchange or model-free parameter). On a bound, such a
 * rate asks for a search only when the fit also leaves signal unexplained, as a Δω at 0 does: the
 * major state's rates are measured by its own signal, and one at its floor in a fit that explains
 * the data is the usual end for a small, poorly determined rate (CEST_15N_TR: KHH_A at 0 in 20 of
 * 49 residues, none better in 6 starts each). An exchange parameter on a bound may be trapped
 * there (a minor population started at 0), and a minor state's rate trades against the exchange
 * parameters (a 3-state CEST study ends with R2_C at 0 and χ² 1.8 above its basin): both still
 * ask.
 *
 * @example
 * ```ts
 * isGroundStateRate("KHH_A, NUC->Y8"); // true
 * isGroundStateRate("R2_C, NUC->9N, B0->600.0MHZ"); // false
 * isGroundStateRate("PB"); // false
 * ```
 */
export function isGroundStateRate(id: string): boolean {
  const comma = id.indexOf(",");
  return basinRole(id) === "other" && /_A$/.test(comma < 0 ? id : id.slice(0, comma));
}

/** Which free parameters sit on a bound: -1 lower, 1 upper, 0 neither. */
export function boundState(
  x: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
): Int8Array {
  const out = new Int8Array(x.length);
  for (let j = 0; j < x.length; j++) {
    if (
      Number.isFinite(lower[j]) && x[j] - lower[j] <= BOUND_RTOL * Math.max(1, Math.abs(lower[j]))
    ) {
      out[j] = -1;
    } else if (
      Number.isFinite(upper[j]) && upper[j] - x[j] <= BOUND_RTOL * Math.max(1, Math.abs(upper[j]))
    ) out[j] = 1;
  }
  return out;
}

/** Inputs of {@link diagnoseFit}. */
export interface DiagnoseInput {
  freeIds: readonly string[];
  x: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** Covariance at x (with its singular spectrum). */
  cov: CovarianceResult;
  /** Solver status (0: evaluation budget exhausted). */
  status: number;
  /** Parameters held at 0 during the fit because they sat at the symmetric point. */
  pinned?: ReadonlySet<string>;
  /** χ² and residual count of the group: a reduced χ² far above 1 says the fit may be stuck. */
  chisqr?: number;
  m?: number;
}

/** Reduced χ² above which a group fit is suspected of sitting in a wrong basin. */
const POOR_FIT_REDCHI = 10;
/**
 * The triggers a chunked global fit can tell from its end (it has no covariance of its own): a
 * reduced χ² above 10 and an outer-iteration budget it ran out of.
 *
 * @example
 * ```ts
 * globalFitTriggers(10762.6, 1044, 56, { converged: true }); // ["poor-fit"]
 * ```
 */
export function globalFitTriggers(
  chisqr: number,
  m: number,
  n: number,
  o: { converged: boolean },
): BasinTrigger[] {
  const triggers: BasinTrigger[] = [];
  if (!o.converged) triggers.push("budget");
  if (m > n && chisqr / (m - n) > POOR_FIT_REDCHI) triggers.push("poor-fit");
  return triggers;
}

/**
 * Reduced χ² above which a Δω at the symmetric point, or a ground-state rate on a bound
 * ({@link isGroundStateRate}), asks for a basin search.
 */
const SYMMETRIC_SEARCH_REDCHI = 1.5;

/**
 * Notes per parameter and basin-search triggers for a fit's end point.
 *
 * @example
 * ```ts
 * const d = diagnoseFit({ freeIds, x, lower, upper, cov, status: res.status });
 * if (d.triggers.length > 0) searchBasins();
 * ```
 */
export function diagnoseFit(input: DiagnoseInput): FitDiagnostics {
  const { freeIds, x, cov } = input;
  const n = x.length;
  const notes: ErrorNote[] = freeIds.map(() => ({ kind: "", text: "" }));
  const triggers = new Set<BasinTrigger>();
  if (input.status === 0) triggers.add("budget");
  const dof = (input.m ?? 0) - n;
  const redchi = input.chisqr !== undefined && dof > 0 ? input.chisqr / dof : NaN;
  if (redchi > POOR_FIT_REDCHI) triggers.add("poor-fit");
  // A Δω at 0 in a fit that explains the data (reduced χ² near 1 or below) cannot hide a much
  // better basin: the search is for Δω = 0 in fits that leave signal unexplained.
  const unexplained = !(redchi <= SYMMETRIC_SEARCH_REDCHI);
  const bounds = boundState(x, input.lower, input.upper);
  const flat = flatParameters(cov, n);
  if (flat.size > 0) triggers.add("ill-conditioned");
  for (let j = 0; j < n; j++) {
    const id = freeIds[j];
    const err = cov.covariance ? Math.sqrt(cov.covariance[j * n + j]) : NaN;
    if (input.pinned?.has(id)) {
      notes[j] = {
        kind: "unavailable",
        text: "undetermined: symmetric point, held at 0 where chi-square is lowest " +
          "(zero first derivative: no linear error estimate)",
      };
      if (unexplained) triggers.add("symmetric");
    } else if (isShiftDifference(id) && Math.abs(x[j]) < SYMMETRIC_RATIO * err) {
      notes[j] = {
        kind: "unavailable",
        text: "undetermined: symmetric point, near 0 " +
          "(zero first derivative: no linear error estimate)",
      };
      if (unexplained) triggers.add("symmetric");
    } else if (cov.covariance === null) {
      notes[j] = { kind: "unavailable", text: cov.reason ?? "rank deficient" };
    } else if (flat.has(j)) {
      notes[j] = { kind: "unavailable", text: "undetermined: flat direction (ill-conditioned)" };
    } else if (bounds[j] !== 0) {
      notes[j] = { kind: "warning", text: "boundary may make uncertainty asymmetric" };
      if (unexplained || !isGroundStateRate(id)) triggers.add("bound");
    }
  }
  return { notes, triggers: [...triggers] };
}

/** Parameters with a large weight in a near-null direction of the equilibrated Jacobian. */
function flatParameters(cov: CovarianceResult, n: number): Set<number> {
  const out = new Set<number>();
  const s = cov.singular;
  const v = cov.vectors;
  if (!s || !v || s.length === 0 || !(s[0] > 0)) return out;
  for (let k = 0; k < s.length; k++) {
    if (s[k] >= FLAT_RCOND * s[0]) continue;
    for (let j = 0; j < n; j++) if (Math.abs(v[j * n + k]) >= FLAT_WEIGHT) out.add(j);
  }
  return out;
}
