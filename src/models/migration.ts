/**
 * ChemEx 2026.09's migration errors for inputs a model no longer takes (spec §6.2): the rate
 * pairs of `3st_binding_cs` (KAB/KBA) and `3st_binding_if` (KBC/KCB), replaced by KEQ and KEX.
 * A parameter file setting them, or a method role, constraint or search naming them, is an
 * error that says what to write instead.
 *
 * @module
 */
import { ModelError } from "./errors.ts";

interface RetiredPair {
  fwd: string;
  rev: string;
  keq: string;
  kex: string;
}

const RETIRED: Readonly<Record<string, RetiredPair>> = {
  "3st_binding_cs": { fwd: "KAB", rev: "KBA", keq: "KEQ_AB", kex: "KEX_AB" },
  "3st_binding_if": { fwd: "KBC", rev: "KCB", keq: "KEQ_BC", kex: "KEX_BC" },
};

/** Upper bound of the new KEQ/KEX inputs. */
const KEQ_MAX = 1e6;

/**
 * Names a model no longer takes as inputs (empty for most models).
 *
 * @example
 * ```ts
 * retiredInputs("3st_binding_cs"); // ["KAB", "KBA"]
 * ```
 */
export function retiredInputs(model: string): string[] {
  const r = RETIRED[model];
  return r ? [r.fwd, r.rev] : [];
}

function num(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/**
 * The migration message for retired inputs given with these values (undefined when absent).
 *
 * @example
 * ```ts
 * migrationMessage("3st_binding_if", { KBC: 400, KCB: 800 });
 * // "... use KEQ_BC = KBC/KCB = 0.5 and KEX_BC = KBC + KCB = 1200.0 ..."
 * ```
 */
export function migrationMessage(
  model: string,
  values: Readonly<Record<string, number | undefined>>,
): string {
  const r = RETIRED[model];
  if (!r) throw new ModelError(`model "${model}" has no retired inputs`);
  const [f, b] = [values[r.fwd], values[r.rev]];
  const head = `${r.fwd}/${r.rev} are no longer inputs of ${model} (ChemEx 2026.09): give ` +
    `${r.keq} = ${r.fwd}/${r.rev} and ${r.kex} = ${r.fwd} + ${r.rev} instead`;
  const tail = "; or run with --compat 2026.06 for the old parameterisation";
  if (f === undefined && b === undefined) return head + tail;
  if (f === undefined || b === undefined) {
    const given = f === undefined ? r.rev : r.fwd;
    return `${head}; only ${given} was given (an incomplete pair: set both ${r.keq} and ` +
      `${r.kex})${tail}`;
  }
  if (f === 0 && b === 0) {
    return `${head}; ${r.fwd} = ${r.rev} = 0 freezes the edge: set ${r.kex} = 0.0 and choose ` +
      `${r.keq} (the population ratio)${tail}`;
  }
  if (b === 0) {
    return `${head}; ${r.rev} = 0 makes ${r.keq} infinite: state ${r.keq} directly ` +
      `(at most ${num(KEQ_MAX)})${tail}`;
  }
  const keq = f / b;
  if (model === "3st_binding_cs" && f === 0) {
    return `${head}; KAB = 0 gives ${r.keq} = 0, below its lower bound 5e-324: choose a ` +
      `small positive ${r.keq}${tail}`;
  }
  const big = (v: number) =>
    v > KEQ_MAX ? ` (above ${num(KEQ_MAX)}: write [${num(v)}, 0.0, ${num(v)}])` : "";
  return `${head}: ${r.keq} = ${num(keq)}${big(keq)}, ${r.kex} = ${num(f + b)}${big(f + b)}` +
    tail;
}
