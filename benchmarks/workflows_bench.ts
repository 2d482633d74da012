/**
 * Workflow figures: time per outer iteration of the chunked global fit for 50, 100 and 200
 * residues (should grow linearly), the speed-up of 2 workers over 1 on a 400-point grid
 * (KEX_AB × PB, each point refitting the residues' parameters), and the size of the functions
 * bundle. Synthetic studies (seeded) from `workflows/synthetic.ts`; short by design.
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { subStore } from "../src/fit/problem.ts";
import { makeChunk } from "../src/fit/chunk.ts";
import { PAYLOAD_VERSION, storeToPayload } from "../functions/payload.ts";
import type { Executor } from "../workflows/executor.ts";
import { inProcessExecutor } from "../workflows/executor.ts";
import { globalFit } from "../workflows/global_fit.ts";
import { type GlobalWork, planStep } from "../workflows/plan.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { workerPool } from "../workflows/worker_pool.ts";
import { median } from "./_timing.ts";
import { createEvaluatorCache } from "../functions/core.ts";

const REPO = fromFileUrl(new URL("..", import.meta.url));

function load(dir: string, residues: number, seed: number) {
  const s = writeSyntheticStudy(dir, { residues, seed });
  return loadStudy({
    experiments: s.experiments,
    parameters: [s.parameters],
    model: parseModel("2st"),
  });
}

async function outerIterations(): Promise<void> {
  console.log("== global fit (KEX_AB, PB + 3 parameters per residue, 2 fields), in-process ==");
  console.log("residues  profiles  chunks  ms/iteration  ms/iteration/residue  fan-outs/iteration");
  const base: number[] = [];
  // The first size would otherwise pay for the JIT warming up: run a small fit first.
  for (const n of [20, 50, 100, 200]) {
    const dir = Deno.makeTempDirSync({ prefix: "exfit_bench_wf_" });
    try {
      const { study, store } = load(dir, n, 31);
      const work = planStep(study, store, study.profiles.map(() => true), 0, {
        prefix: "b",
        chunkProfiles: 32,
      }).works[0] as GlobalWork;
      const stamps: { t: number; fanouts: number }[] = [];
      await globalFit(work, inProcessExecutor(), {
        maxIterations: 5,
        onIteration: (s) => {
          stamps.push({ t: performance.now(), fanouts: s.nfev + s.njev });
        },
      });
      // Iterations 2..5 (the first includes building the chunk calculators).
      const dts = stamps.slice(1).map((s, k) => s.t - stamps[k].t);
      const fan = (stamps.at(-1)!.fanouts - stamps[0].fanouts) / dts.length;
      const ms = median(dts);
      if (n === 20) continue;
      base.push(ms / n);
      console.log(
        `${String(n).padStart(8)}  ${String(study.profiles.length).padStart(8)}  ` +
          `${String(work.chunks.length).padStart(6)}  ${ms.toFixed(0).padStart(12)}  ` +
          `${(ms / n).toFixed(2).padStart(20)}  ${fan.toFixed(1).padStart(18)}`,
      );
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  }
  console.log(
    `per-residue cost 200 vs 50 residues: ${(base[2] / base[0]).toFixed(2)} (1.00 = linear)`,
  );
}

async function gridSpeedup(): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_bench_grid_" });
  try {
    const { study, store } = load(dir, 2, 32);
    for (const id of ["KEX_AB", "PB"]) store.get(id)!.vary = false;
    const profiles = study.profiles.map((_, k) => k);
    const chunk = makeChunk(study, profiles);
    const params = storeToPayload(subStore(store, chunk.profiles.flatMap((p) => p.paramIds)));
    const kex = Array.from({ length: 20 }, (_, k) => 200 + 20 * k);
    const pb = Array.from({ length: 20 }, (_, k) => 0.03 + 0.005 * k);
    // Small items keep the two lanes balanced: grid points differ in how long their refit takes.
    const batch = 10;
    const items = Array.from({ length: 400 / batch }, (_, b) => ({
      version: PAYLOAD_VERSION,
      id: `grid:${b}`,
      chunk,
      params,
      axes: ["KEX_AB", "PB"],
      values: [kex, pb],
      indices: Array.from({ length: batch }, (_, i) => b * batch + i),
    }));
    const run = async (ex: Executor) => {
      const t0 = performance.now();
      const out = await Promise.all(items.map((p) => ex.run("grid", p)));
      return { s: (performance.now() - t0) / 1000, chi2: out.flatMap((r) => r.chisqr) };
    };
    const pools = [workerPool(1), workerPool(2)];
    const times: number[][] = [[], []];
    let one = { s: 0, chi2: [] as (number | null)[] };
    let two = { s: 0, chi2: [] as (number | null)[] };
    try {
      // Warm up every worker (module loading and JIT are not part of the grid): several items
      // per worker so each runs optimised code before the clock starts.
      for (const [k, pool] of pools.entries()) {
        const n = k + 1;
        await Promise.all(
          Array.from(
            { length: 4 * n },
            (_, i) => pool.run("grid", { ...items[i % items.length], id: `warm:${n}:${i}` }),
          ),
        );
      }
      // Interleaved repetitions, medians: the machine is shared and noisy.
      for (let rep = 0; rep < 3; rep++) {
        one = await run(pools[0]);
        times[0].push(one.s);
        two = await run(pools[1]);
        times[1].push(two.s);
      }
    } finally {
      for (const pool of pools) await pool.close();
    }
    one.s = median(times[0]);
    two.s = median(times[1]);
    const same = one.chi2.every((v, k) => v === two.chi2[k]);
    console.log(
      "\n== 400-point grid (KEX_AB 20 x PB 20; each point refits DW_AB and R2_A of 2 residues) ==",
    );
    console.log(`1 worker:  ${one.s.toFixed(2)} s`);
    console.log(`2 workers: ${two.s.toFixed(2)} s`);
    console.log(
      `speed-up: ${
        (one.s / two.s).toFixed(2)
      }x on ${navigator.hardwareConcurrency} logical cores ` +
        `(${items.length} work items of ${batch} points; chi-square tables identical: ${same})`,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

async function bundleSize(): Promise<void> {
  const out = `${Deno.makeTempDirSync({ prefix: "exfit_bench_bundle_" })}/functions.js`;
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO}functions/bundle.ts`, "--outfile", out],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  console.log(
    "\n== functions bundle (dist/functions.js: handler, adapters and the core, minified) ==",
  );
  if (res.success) {
    const bytes = Deno.statSync(out).size;
    console.log(`size: ${(bytes / 1024).toFixed(1)} KiB`);
  } else {
    const err = new TextDecoder().decode(res.stderr).split("\n")[0];
    console.log(`not built: ${err} (add "esbuild" to deno.json imports; see docs/workflows.md)`);
  }
  Deno.removeSync(out.slice(0, out.lastIndexOf("/")), { recursive: true });
}

/**
 * What the evaluator cache costs per work item besides building calculators: looking up a chunk
 * that arrives as a new object (as every in-process work item and every HTTP request does). It
 * was keyed by a WebCrypto SHA-256 digest, about 1 ms per lookup; now by the chunk's JSON text.
 */
async function cacheLookups(): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_bench_cache_" });
  try {
    const { study } = load(dir, 55, 11);
    const groups = Array.from({ length: 55 }, (_, r) => [2 * r, 2 * r + 1]);
    const cache = createEvaluatorCache(256);
    for (const g of groups) await cache.get(makeChunk(study, g));
    const per: number[] = [];
    for (let rep = 0; rep < 5; rep++) {
      const t0 = performance.now();
      for (const g of groups) await cache.get(makeChunk(study, g));
      per.push((performance.now() - t0) / groups.length);
    }
    console.log(
      "\n== evaluator cache: a known chunk arriving as a new object (55 two-profile chunks) ==",
    );
    console.log(`ms per lookup (median of 5 passes): ${median(per).toFixed(3)}`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

// Optional arguments pick parts: outer, grid, bundle, cache (default all).
const parts = Deno.args.length > 0 ? Deno.args : ["outer", "grid", "bundle", "cache"];
if (parts.includes("cache")) await cacheLookups();
if (parts.includes("outer")) await outerIterations();
if (parts.includes("grid")) await gridSpeedup();
if (parts.includes("bundle")) await bundleSize();
