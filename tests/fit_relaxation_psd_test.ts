/**
 * Relaxation feasibility during a fit (ChemEx 2026.09, spec §6.7, #726): on TROSY CPMG data made
 * from a point outside the positive-semidefinite region (ETAXY² > R2·R2A), the group fit never
 * evaluates an infeasible point, ends on the boundary, and reports the errors there as
 * "boundary limited (active relaxation-PSD boundary)"; affine constraints on the diagonals keep
 * working.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { createChunkEvaluator, makeChunk } from "../src/fit/chunk.ts";
import { fitGroup } from "../src/fit/step.ts";
import { createGroupProblem } from "../src/fit/problem.ts";
import { PSD_BOUNDARY_NOTE, relaxationBlocks } from "../src/fit/relaxation_psd.ts";
import type { ParamStore } from "../src/params/store.ts";
import { MINI, miniFitArgs, writeMiniStudy } from "./_mini_study.ts";
import { REPO } from "./_refdata.ts";
import { inProcessExecutor } from "../workflows/executor.ts";
import { globalFit } from "../workflows/global_fit.ts";
import { type GlobalWork, planStep } from "../workflows/plan.ts";

const TAG = ", NUC->10N, B0->500.0MHZ";
const R2 = `R2_A${TAG}`;
const ETAXY = `ETAXY_A${TAG}`;

/** The mini study as TROSY CPMG, loaded; only profile 0 is used. */
function trosy(dir = writeMiniStudy()) {
  const path = join(dir, MINI.parameters);
  Deno.writeTextFileSync(
    path,
    Deno.readTextFileSync(path).replace("[GLOBAL]\n", "[GLOBAL]\nETAXY_A = 1.0\n"),
  );
  for (const exp of MINI.experiments) {
    const p = join(dir, exp);
    Deno.writeTextFileSync(p, Deno.readTextFileSync(p).replace("cpmg_15n_ip", "cpmg_15n_tr"));
  }
  return loadStudy({
    experiments: MINI.experiments.map((e) => join(dir, e)),
    parameters: [join(dir, MINI.parameters)],
    model: parseModel("2st"),
  });
}

/** Values of one profile's locals (definitions evaluated), by local name. */
function locals(store: ParamStore, study: ReturnType<typeof trosy>["study"]) {
  const ev = createChunkEvaluator(makeChunk(study, [0]));
  const { pv } = fitGroupProblem(store, ev);
  const prof = study.profiles[0];
  return new Map(prof.localNames.map((n, k) => [n, pv.values[pv.index.get(prof.paramIds[k])!]]));
}

/** A group problem whose definitions are evaluated at the store's values. */
function fitGroupProblem(store: ParamStore, ev: ReturnType<typeof createChunkEvaluator>) {
  const problem = createGroupProblem(store, ev);
  problem.residuals(problem.x0);
  return problem;
}

/** Replace profile 0's data by the model at the store's current values (noise-free). */
function synthesize(store: ParamStore, study: ReturnType<typeof trosy>["study"]): void {
  const prof = study.profiles[0];
  prof.mask = prof.mask.map(() => true);
  const problem = fitGroupProblem(store, createChunkEvaluator(makeChunk(study, [0])));
  const r = problem.residuals(problem.x0);
  prof.exp = prof.exp.map((e, i) => e + r[i] * prof.err[i]);
}

/** Only `free` vary; everything else keeps its value or definition. */
function freeOnly(store: ParamStore, free: string[]): void {
  for (const p of store.values()) if (!p.expr) p.vary = free.includes(p.id);
}

/** sqrt(R2·R2A) of state A of profile 0: the largest feasible |ETAXY|. */
function edgeOf(store: ParamStore, study: ReturnType<typeof trosy>["study"]): number {
  const v = locals(store, study);
  return Math.sqrt(v.get("r2_i_a")! * v.get("r2a_i_a")!);
}

/** Relative slack 1 − ETAXY²/(R2·R2A) of state s of profile 0 (≥ 0 when feasible). */
function slack(values: Map<string, number>, s: string): number {
  const [b] = relaxationBlocks(s);
  const e = values.get(b.off[0][2])!;
  return 1 - e * e / (values.get(b.diag[0])! * values.get(b.diag[1])!);
}

Deno.test("relaxation PSD: an optimum outside the region ends on its boundary, boundary limited", () => {
  const { study, store } = trosy();
  freeOnly(store, [R2, ETAXY]);
  // The data come from ETAXY 15% beyond sqrt(R2·R2A): the unconstrained optimum is infeasible.
  const edge = edgeOf(store, study);
  store.get(ETAXY)!.value = 1.15 * edge;
  assert.ok(slack(locals(store, study), "a") < -0.3);
  synthesize(store, study);
  store.get(ETAXY)!.value = 0.5 * edge;
  const ev = createChunkEvaluator(makeChunk(study, [0]));
  // Every point the solver evaluates is feasible.
  const seen: number[] = [];
  const profile = ev.profile;
  const watched = {
    ...ev,
    profile: (k: number, values: ArrayLike<number>, out: Float64Array) => {
      const at = (n: string) => values[study.profiles[0].localNames.indexOf(n)];
      seen.push(at("etaxy_i_a") ** 2 / (at("r2_i_a") * at("r2a_i_a")));
      return profile(k, values, out);
    },
  };
  const start = fitGroupProblem(store, ev).residuals(createGroupProblem(store, ev).x0);
  const fit = fitGroup(store, watched);
  assert.ok(seen.length > 5);
  assert.ok(Math.max(...seen) <= 1 + 1e-12, `worst ETAXY²/(R2·R2A) = ${Math.max(...seen)}`);
  const end = slack(locals(store, study), "a");
  assert.ok(end >= -1e-12 && end <= 1e-6, `slack at the end: ${end}`);
  for (const id of [R2, ETAXY]) {
    const p = store.get(id)!;
    assert.equal(p.stderr, null, id);
    assert.equal(p.errorNote, PSD_BOUNDARY_NOTE, id);
  }
  // Still a fit: well below the start's χ², above the exact (infeasible) answer's 0.
  const chi0 = start.reduce((a, r) => a + r * r, 0);
  assert.ok(fit.chisqr > 0 && fit.chisqr < 0.5 * chi0, `χ² ${fit.chisqr} from ${chi0}`);
});

Deno.test("relaxation PSD: the fanned-out global fit (block LM over chunks) keeps to the region", async () => {
  const { study, store } = trosy();
  // PB couples every profile, so the step is one global work cut into one-profile chunks.
  freeOnly(store, [R2, ETAXY, "PB"]);
  const edge = edgeOf(store, study);
  store.get(ETAXY)!.value = 1.15 * edge;
  synthesize(store, study);
  store.get(ETAXY)!.value = 0.5 * edge;
  const plan = planStep(study, store, study.profiles.map(() => true), 0, {
    prefix: "psd",
    chunkProfiles: 1,
  });
  const work = plan.works.find((w) => w.kind === "global") as GlobalWork;
  assert.ok(work && work.chunks.length > 1);
  // With its default tolerances the block LM ends on the boundary: a step that would leave the
  // region is cut where it meets the boundary (before, only damped until it stayed inside, the
  // fit crept towards the boundary and stopped 6e-5 short of it at the default tolerances, and
  // 1e-7 to 1e-6 short at 1e-10: not counted as active).
  const out = await globalFit(work, inProcessExecutor());
  assert.ok(out.converged, out.message);
  const end = slack(locals(store, study), "a");
  assert.ok(end >= -1e-12 && end <= 1e-9, `slack at the end: ${end}`);
  for (const id of [R2, ETAXY]) {
    assert.equal(store.get(id)!.stderr, null, id);
    assert.equal(store.get(id)!.errorNote, PSD_BOUNDARY_NOTE, id);
  }
  assert.ok(store.get("PB")!.stderr! > 0, "PB does not reach the block: its error stays");
});

Deno.test("relaxation PSD: a feasible optimum is reached as before, errors kept", () => {
  const { study, store } = trosy();
  freeOnly(store, [R2, ETAXY]);
  const edge = edgeOf(store, study);
  store.get(ETAXY)!.value = 0.6 * edge;
  synthesize(store, study);
  const truth = [store.get(R2)!.value, 0.6 * edge];
  store.get(ETAXY)!.value = 0.2 * edge;
  store.get(R2)!.value = truth[0] * 1.2;
  fitGroup(store, createChunkEvaluator(makeChunk(study, [0])));
  for (const [k, id] of [R2, ETAXY].entries()) {
    const p = store.get(id)!;
    assert.ok(Math.abs(p.value / truth[k] - 1) < 1e-5, `${id} = ${p.value}, truth ${truth[k]}`);
    assert.ok(p.stderr !== null && p.stderr > 0, id);
    assert.equal(p.errorNote, undefined, id);
  }
});

Deno.test("relaxation PSD: affine constraints on the diagonals (offsets, ×/÷ a constant) work", () => {
  const { study, store } = trosy();
  // R2A = R2 + R1A − R1 is already an offset constraint; state B's R2 is twice A's, its ETAXY
  // half of A's: both states' blocks move with the fit and must both stay feasible.
  const r2b = store.get(`R2_B${TAG}`)!;
  r2b.expr = `[${R2}] * 2.0`;
  store.get(`ETAXY_B${TAG}`)!.expr = `[${ETAXY}] / 2.0`;
  freeOnly(store, [R2, ETAXY]);
  const edge = edgeOf(store, study);
  store.get(ETAXY)!.value = 1.15 * edge;
  synthesize(store, study);
  store.get(ETAXY)!.value = 0.5 * edge;
  fitGroup(store, createChunkEvaluator(makeChunk(study, [0])));
  const end = locals(store, study);
  assert.ok(Math.abs(end.get("r2_i_b")! / end.get("r2_i_a")! - 2) < 1e-12);
  assert.ok(Math.abs(end.get("etaxy_i_b")! / end.get("etaxy_i_a")! - 0.5) < 1e-12);
  assert.ok(slack(end, "a") >= -1e-12 && slack(end, "b") >= -1e-12);
  assert.ok(slack(end, "a") <= 1e-6, `state A on the boundary: ${slack(end, "a")}`);
  assert.equal(store.get(ETAXY)!.errorNote, PSD_BOUNDARY_NOTE);
  // The constrained ETAXY_B moves with it: its propagated error is withheld too.
  assert.equal(store.get(`ETAXY_B${TAG}`)!.stderr, null);
  assert.equal(store.get(`ETAXY_B${TAG}`)!.errorNote, PSD_BOUNDARY_NOTE);
});

Deno.test("relaxation PSD: fitted.toml, statistics.toml and the console say boundary limited", async () => {
  const dir = writeMiniStudy();
  const { study, store } = trosy(dir);
  store.get(ETAXY)!.value = 1.15 * edgeOf(store, study);
  synthesize(store, study);
  const prof = study.profiles[0];
  const rows = prof.x.map((x, i) => `${x}  ${prof.exp[i]}  ${prof.err[i]}`);
  Deno.writeTextFileSync(join(dir, "Data/500MHz/10N-HN.out"), rows.join("\n") + "\n");
  Deno.writeTextFileSync(
    join(dir, MINI.method),
    '[STEP1]\nINCLUDE = [10]\nFIX = ["PB", "KEX_AB", "DW_AB"]\nFIT = ["ETAXY_A"]\n',
  );
  const out = join(dir, "Out");
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO}src/cli/main.ts`, ...miniFitArgs(dir, out)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const console = new TextDecoder().decode(res.stdout) + new TextDecoder().decode(res.stderr);
  assert.ok(res.success, console);
  const fitted = Deno.readTextFileSync(join(out, "Parameters/fitted.toml"));
  assert.match(
    fitted,
    /\["ETAXY_A, B0->500\.0MHZ"\]\n10N = +[-\d.e+]+ # \(error unavailable: boundary limited \(active relaxation-PSD boundary\)\)\n/,
  );
  assert.match(
    Deno.readTextFileSync(join(out, "statistics.toml")),
    /ETAXY_A, NUC->10N, B0->500\.0MHZ/,
  );
  assert.match(
    console,
    /ETAXY_A, NUC->10N, B0->500\.0MHZ = .*: error unavailable: boundary limited/,
  );
});
