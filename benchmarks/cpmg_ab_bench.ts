/**
 * The CPMG engine before and after a change, in one process: CPU µs per profile evaluation of
 * this tree and of another source tree of exfit (`--base DIR`, e.g. `git worktree add /tmp/base
 * <commit>` or `git archive <commit> | tar -x -C /tmp/base`), alternating batches A, B, A, B …
 * so that the load of a shared machine falls on both alike. Prints both medians, the median of
 * the per-batch ratios, and the largest relative difference of their intensities.
 *
 * Profiles, as in `cpmg_engine_bench.ts`: the first profile of each type's ChemEx simulate
 * fixture; `cpmg_hn_dq_zq` as its first DQ profile and its ZQ partner sharing one store (as a
 * fit's chunk builds them). Each batch is a forward-difference sweep: the point, then each local
 * value that moves the intensities nudged by a relative 1e-8 (what a Jacobian costs).
 *
 * Run with `deno run -A benchmarks/cpmg_ab_bench.ts --base DIR [--seconds S] [type…]`
 * (default types: cpmg_hn_dq_zq cpmg_ch3_1h_sq cpmg_15n_ip; 10 s each).
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { fromFileUrl } from "./_paths.ts";
import { median } from "./_timing.ts";
import { REFDATA } from "../tests/_refdata.ts";
import { fixtureFolders } from "./experiments_bench.ts";

const HERE = fromFileUrl(new URL("..", import.meta.url)).replace(/\/$/, "");
const TYPES = ["cpmg_hn_dq_zq", "cpmg_ch3_1h_sq", "cpmg_15n_ip"];

interface Side {
  /** One forward-difference sweep of the profile(s). */
  run: () => void;
  /** Profile evaluations per sweep. */
  per: number;
  /** Intensities at the unperturbed point. */
  values: () => Float64Array[];
}

/** A side of the comparison: the profiles of `type` built by the exfit tree at `root`. */
async function side(root: string, type: string, folder: string): Promise<Side> {
  const need = ["src/fit/evaluate.ts", "src/params/store.ts", "tests/_reference_study.ts"];
  for (const f of need) {
    try {
      Deno.statSync(`${root}/${f}`);
    } catch {
      throw new Error(`--base ${root}: no ${f} (expected a source tree of exfit)`);
    }
  }
  const { createCalculator, intensitiesAt } = await import(`${root}/src/fit/evaluate.ts`);
  const { compileStore, evaluateDefinitions } = await import(`${root}/src/params/store.ts`);
  const { loadReferenceStudy } = await import(`${root}/tests/_reference_study.ts`);
  const { study, store } = loadReferenceStudy(`${REFDATA}/simulate/${folder}`);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const first = study.profiles[0];
  const hz = (k: number) => study.experiments[study.profiles[k].experiment].conditions.h_larmor_frq;
  const partner = type === "cpmg_hn_dq_zq"
    ? study.profiles.findIndex((p: { name: string }, k: number) =>
      k > 0 && p.name === first.name && hz(k) === hz(0)
    )
    : -1;
  const shared = new Map<string, unknown>();
  const calcs = (partner > 0 ? [0, partner] : [0]).map((k) => createCalculator(study, k, shared));
  const values = Float64Array.from(
    first.paramIds.map((id: string) => pv.values[pv.index.get(id)!]),
  );
  const x = calcs[0].x;
  const base: Float64Array = intensitiesAt(calcs[0], values, x);
  const sweep = [values];
  for (let k = 0; k < values.length; k++) {
    const v = Float64Array.from(values);
    v[k] += 1e-8 * Math.max(1, Math.abs(v[k]));
    const moved: Float64Array = intensitiesAt(calcs[0], v, x);
    if (moved.some((y, i) => y !== base[i])) sweep.push(v);
  }
  return {
    run: () => {
      for (const v of sweep) for (const c of calcs) intensitiesAt(c, v, x);
    },
    per: sweep.length * calcs.length,
    values: () => calcs.map((c) => intensitiesAt(c, values, x)),
  };
}

/** CPU µs per profile evaluation of one sweep. */
function cpuPerEval(s: Side): number {
  const t0 = process.cpuUsage();
  s.run();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / s.per;
}

/** The comparison for one type: medians of alternating batches over about `seconds`. */
async function compare(type: string, folder: string, baseRoot: string, seconds: number) {
  const a = await side(baseRoot, type, folder);
  const b = await side(HERE, type, folder);
  let worst = 0;
  const va = a.values();
  const vb = b.values();
  va.forEach((p, k) =>
    p.forEach((y, i) => worst = Math.max(worst, Math.abs(y - vb[k][i]) / Math.abs(y)))
  );
  // Warm-up: both sides compiled and tiered up before timing.
  const warm = performance.now() + 1000;
  while (performance.now() < warm) a.run(), b.run();
  const ta: number[] = [];
  const tb: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (ta.length < 5 || performance.now() < end) {
    ta.push(cpuPerEval(a));
    tb.push(cpuPerEval(b));
  }
  const ratio = median(ta.map((t, i) => tb[i] / t));
  return { type, base: median(ta), here: median(tb), ratio, batches: ta.length, worst, per: a.per };
}

if (import.meta.main) {
  const args = parseArgs({
    args: Deno.args,
    options: { base: { type: "string" }, seconds: { type: "string", default: "10" } },
    allowPositionals: true,
  });
  if (!args.values.base) {
    console.error("usage: cpmg_ab_bench.ts --base DIR [--seconds S] [type…]");
    Deno.exit(2);
  }
  const baseRoot = args.values.base.replace(/\/$/, "");
  const seconds = Number(args.values.seconds);
  const types = args.positionals.length > 0 ? args.positionals : TYPES;
  const folders = REFDATA === null ? new Map<string, string>() : fixtureFolders();
  console.log(`A = ${baseRoot}, B = ${HERE}; load ${Deno.loadavg()[0].toFixed(2)}`);
  console.log(
    `${"type".padEnd(16)} ${"evals".padStart(5)} ${"A µs".padStart(8)} ${"B µs".padStart(8)} ` +
      `${"B/A".padStart(6)} ${"batches".padStart(7)} ${"max rel diff".padStart(12)}`,
  );
  for (const type of types) {
    const folder = folders.get(type);
    if (!folder) {
      console.log(`${type.padEnd(16)} (no simulate fixture under ../shared/refdata; skipped)`);
      continue;
    }
    const r = await compare(type, folder, baseRoot, seconds);
    console.log(
      `${r.type.padEnd(16)} ${String(r.per).padStart(5)} ${r.base.toFixed(1).padStart(8)} ` +
        `${r.here.toFixed(1).padStart(8)} ${r.ratio.toFixed(3).padStart(6)} ` +
        `${String(r.batches).padStart(7)} ${r.worst.toExponential(1).padStart(12)}`,
    );
  }
}
