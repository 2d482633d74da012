import { strict as assert } from "node:assert";
import {
  boundState,
  diagnoseFit,
  isGroundStateRate,
  isShiftDifference,
} from "../src/fit/diagnostics.ts";
import { covarianceFromJacobian } from "../src/solver/covariance.ts";
import { leastSquaresTrf } from "../src/solver/trf.ts";

const F = (a: number[]) => new Float64Array(a);

Deno.test("diagnostics: shift differences, bounds", () => {
  assert.ok(isShiftDifference("DW_AB, NUC->G23N"));
  assert.ok(isShiftDifference("DW_BC, NUC->L24HD1"));
  assert.ok(!isShiftDifference("KEX_AB"));
  assert.ok(!isShiftDifference("DWELL"));
  assert.deepEqual(
    Array.from(boundState(F([0, 0.5, 1]), F([0, 0, 0]), F([1, 1, 1]))),
    [-1, 0, 1],
  );
});

Deno.test("diagnostics: a clean interior minimum has no notes and no triggers", () => {
  // J = diag(2, 4) on 3 residuals.
  const cov = covarianceFromJacobian(F([2, 0, 0, 4, 0, 0]), 3, 2);
  const d = diagnoseFit({
    freeIds: ["KEX_AB", "DW_AB, NUC->G23N"],
    x: F([300, 1.2]),
    lower: F([0, -Infinity]),
    upper: F([1e6, Infinity]),
    cov,
    status: 2,
  });
  assert.deepEqual(d.triggers, []);
  assert.ok(d.notes.every((n) => n.kind === ""));
});

Deno.test("diagnostics: symmetric point, bound, flat direction and budget are flagged", () => {
  // Column 2 is column 1 plus 1e-9 of noise: a flat direction of the normal matrix.
  const j = F([1, 1 + 1e-9, 0, 0, 1, 1, 0, 0, 0, 0, 3, 0, 0, 0, 0, 5]);
  const cov = covarianceFromJacobian(j, 4, 4);
  const d = diagnoseFit({
    freeIds: ["R2_A, NUC->G23N", "R2_B, NUC->G23N", "PB", "DW_AB, NUC->G23N"],
    x: F([10, 11, 0, 1e-5]),
    lower: F([0, 0, 0, -Infinity]),
    upper: F([100, 100, 1, Infinity]),
    cov,
    status: 0,
  });
  assert.equal(d.notes[0].kind, "unavailable");
  assert.match(d.notes[0].text, /flat direction/);
  assert.equal(d.notes[1].kind, "unavailable");
  assert.equal(d.notes[2].kind, "warning");
  assert.match(d.notes[2].text, /boundary/);
  assert.equal(d.notes[3].kind, "unavailable");
  assert.match(d.notes[3].text, /symmetric point/);
  assert.deepEqual(d.triggers.sort(), ["bound", "budget", "ill-conditioned", "symmetric"]);
});

Deno.test("diagnostics: a ground-state rate on its floor asks for a search only in a poor fit", () => {
  // CEST_15N_TR's groups: KHH_A at 0 with a reduced χ² near 1; the exchange parameters inside.
  const cov = covarianceFromJacobian(F([2, 0, 0, 0, 3, 0, 0, 0, 4, 1, 1, 1]), 4, 3);
  const at = (ids: string[], chisqr: number) =>
    diagnoseFit({
      freeIds: ids,
      x: F([0, 300, 2]),
      lower: F([0, 0, -Infinity]),
      upper: F([1e3, 1e6, Infinity]),
      cov,
      status: 2,
      chisqr,
      m: 400,
    });
  const explained = at(["KHH_A, NUC->Y8", "KEX_AB", "DW_AB, NUC->Y8N"], 420);
  assert.deepEqual(explained.triggers, []);
  // The caveat on the error stays.
  assert.equal(explained.notes[0].kind, "warning");
  assert.match(explained.notes[0].text, /boundary/);
  assert.deepEqual(at(["KHH_A, NUC->Y8", "KEX_AB", "DW_AB, NUC->Y8N"], 1200).triggers, ["bound"]);
  // A population or an exchange rate on a bound may be trapped there, however good the fit.
  assert.deepEqual(at(["PB", "KEX_AB", "DW_AB, NUC->Y8N"], 420).triggers, ["bound"]);
  assert.deepEqual(at(["KEX_AB", "R2_A, NUC->Y8", "DW_AB, NUC->Y8N"], 420).triggers, ["bound"]);
  // A minor state's rate trades against the exchange parameters.
  assert.deepEqual(at(["KHH_B, NUC->Y8", "KEX_AB", "DW_AB, NUC->Y8N"], 420).triggers, ["bound"]);
  assert.ok(isGroundStateRate("R2_A, NUC->9N, B0->600.0MHZ"));
  assert.ok(!isGroundStateRate("R2_C, NUC->9N, B0->600.0MHZ"));
  assert.ok(!isGroundStateRate("TAUC_A, NUC->Y8"));
  assert.ok(!isGroundStateRate("PB"));
  // Without a χ² (callers that cannot tell) every bound still asks.
  const noChi = diagnoseFit({
    freeIds: ["KHH_A, NUC->Y8", "KEX_AB", "DW_AB, NUC->Y8N"],
    x: F([0, 300, 2]),
    lower: F([0, 0, -Infinity]),
    upper: F([1e3, 1e6, Infinity]),
    cov,
    status: 2,
  });
  assert.deepEqual(noChi.triggers, ["bound"]);
});

Deno.test("trf: a callback returning true stops with status -2", () => {
  const seen: number[] = [];
  const res = leastSquaresTrf(
    { fun: (x) => F([10 * (x[1] - x[0] * x[0]), 1 - x[0]]) },
    F([-1.2, 1]),
    {
      lower: F([-Infinity, -Infinity]),
      upper: F([Infinity, Infinity]),
      callback: (it) => {
        seen.push(it.nfev);
        return seen.length === 3;
      },
    },
  );
  assert.equal(res.status, -2);
  assert.equal(res.success, false);
  assert.equal(seen.length, 3);
  assert.equal(res.message, "Stopped by the callback.");
});
