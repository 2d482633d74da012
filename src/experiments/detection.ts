/**
 * What an experiment detects: a linear combination of basis components (e.g. `"[iz]"`,
 * `"[2izsz] - [iz]"`) turned into a detection vector over the observed states. It lives with the
 * experiments because the detection expression is part of an experiment's definition, read with
 * the parameter expression language (`src/params/expr.ts`), which the spin physics below it does
 * not depend on.
 *
 * @module
 */
import type { Basis } from "../nmr/basis.ts";
import { compileExpression } from "../params/expr.ts";

/**
 * Detection vector for an expression over components such as "[iz]" or "[2izsz] - [iz]",
 * summed (unweighted) over the observed states.
 *
 * @example
 * ```ts
 * detectionVector(createBasis("ixyz", ["a", "b"]), "[iz]", ["a"]); // 1 at iz_a
 * ```
 */
export function detectionVector(
  basis: Basis,
  expression: string,
  observed: readonly string[],
): Float64Array {
  const expr = compileExpression(expression, "brackets");
  const v = new Float64Array(basis.size);
  const zero = new Float64Array(expr.refs.length);
  const base = expr.evaluate(zero);
  expr.refs.forEach((ref, r) => {
    const unit = new Float64Array(expr.refs.length);
    unit[r] = 1;
    const coef = expr.evaluate(unit) - base;
    for (const s of observed) {
      const comp = ref.toLowerCase();
      if (basis.components.includes(comp)) v[basis.index(`${comp}_${s}`)] += coef;
    }
  });
  return v;
}
