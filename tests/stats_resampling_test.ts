import { strict as assert } from "node:assert";
import { runFit } from "../src/run/run.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import {
  drawReplicate,
  type ReplicateResult,
  type ResamplingKind,
  runReplicates,
} from "../src/stats/resampling.ts";
import { deriveSeed, parseSeed, STREAM, streamRng, uniform } from "../src/math/random.ts";
import { percentile, summarize } from "../src/stats/report.ts";
import { resamplingTask } from "../src/stats/step.ts";
import { scaledCalcs } from "./_stats.ts";
import { refdataTest, referenceCommand, runExfit } from "./_refdata.ts";

Deno.test("streams depend on (root seed, kind, index) only", () => {
  const a = streamRng(7n, STREAM.mc, 3);
  const b = streamRng(7n, STREAM.mc, 3);
  const xs = Array.from({ length: 5 }, () => uniform(a));
  assert.deepEqual(Array.from({ length: 5 }, () => uniform(b)), xs);
  assert.notDeepEqual(
    Array.from({ length: 5 }, () => uniform(streamRng(7n, STREAM.bs, 3))),
    xs,
  );
  assert.notEqual(deriveSeed(7n, STREAM.mc, 3), deriveSeed(7n, STREAM.mc, 4));
  assert.notEqual(deriveSeed(7n, STREAM.mc, 3), deriveSeed(8n, STREAM.mc, 3));
  assert.equal(parseSeed("18446744073709551615"), (1n << 64n) - 1n);
  assert.throws(() => parseSeed(-1), /unsigned 64-bit/);
  // Uniform in [0, 1) with the right mean.
  const rng = streamRng(1n);
  let s = 0;
  for (let i = 0; i < 20000; i++) s += uniform(rng);
  assert.ok(Math.abs(s / 20000 - 0.5) < 0.01);
});

Deno.test("summary statistics follow numpy (linear percentiles, ddof = 1)", () => {
  assert.equal(percentile(Float64Array.of(1, 2, 3, 4), 50), 2.5);
  assert.ok(Math.abs(percentile(Float64Array.of(1, 2, 3, 4, 5), 15.87) - 1.6348) < 1e-12);
  const s = summarize([1, 2, 3, 4, NaN]);
  assert.equal(s.count, 4);
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs(s.sd - Math.sqrt(5 / 3)) < 1e-12);
});

function fittedStudy(refdata: string) {
  const dir = `${refdata}/fit/CPMG_15N_IP`;
  const loaded = loadStudy({
    experiments: [`${dir}/Experiments/500mhz.toml`, `${dir}/Experiments/800mhz.toml`],
    parameters: [`${dir}/Parameters/parameters.toml`],
    model: parseModel("2st"),
    include: ["15", "31", "33"],
  });
  const step = { name: "", fit: [], fix: [], constraints: [] };
  [...runFit(loaded.study, loaded.store, [step], { plot: false, seed: 0 })];
  const profiles = loaded.study.profiles.map((_, k) => k);
  const calcs = scaledCalcs(loaded.study, loaded.store, profiles);
  const input = {
    study: loaded.study,
    store: loaded.store,
    profiles,
    calcs,
    statistics: {},
    seed: 12345,
    plot: false,
  };
  return { loaded, input };
}

const same = (a: ReplicateResult[], b: ReplicateResult[]) =>
  assert.deepEqual(
    a.map((r) => [r.index, r.values.map((v) => Object.is(v, NaN) ? "nan" : v), r.chisqr]),
    b.map((r) => [r.index, r.values.map((v) => Object.is(v, NaN) ? "nan" : v), r.chisqr]),
  );

refdataTest("replicates are identical however they are batched", (refdata) => {
  const { input } = fittedStudy(refdata);
  for (const kind of ["mc", "bs", "bsn"] as ResamplingKind[]) {
    const task = resamplingTask(kind, input);
    const oneBatch = runReplicates(task, [0, 1, 2, 3, 4, 5]);
    // Two batches in the opposite order, each with its own calculators, from a cloned task (as a
    // worker receives it).
    const clone = structuredClone(task);
    const second = runReplicates(clone, [3, 4, 5]);
    const first = runReplicates(structuredClone(task), [0, 1, 2]);
    same(oneBatch, [...first, ...second]);
    assert.ok(oneBatch.every((r) => r.error === undefined), kind);
    // (Three residues give only ten distinct BSN draws: repeats are expected there.)
    const distinct = new Set(oneBatch.map((r) => r.chisqr)).size;
    assert.ok(distinct >= (kind === "bsn" ? 3 : 6), `${kind}: ${distinct} distinct replicates`);
  }
});

refdataTest("draws: MC adds noise with the points' σ, BS and BSN resample", (refdata) => {
  const { input } = fittedStudy(refdata);
  const mc = resamplingTask("mc", input);
  let z2 = 0;
  let n = 0;
  for (let r = 0; r < 20; r++) {
    drawReplicate(mc, r).profiles.forEach((p, k) => {
      p.exp.forEach((e, i) => {
        z2 += ((e - mc.calculated[k][i]) / p.err[i]) ** 2;
        n++;
      });
    });
  }
  assert.ok(Math.abs(z2 / n - 1) < 0.1, `MC noise variance ratio ${z2 / n}`);
  const bs = resamplingTask("bs", input);
  const draw = drawReplicate(bs, 0);
  draw.profiles.forEach((p, k) => {
    const src = bs.chunk.profiles[k];
    // Same length, every point copied from the profile, references only from references.
    assert.equal(p.x.length, src.x.length);
    p.x.forEach((x, i) => {
      const j = src.x.findIndex((y, jj) => y === x && src.exp[jj] === p.exp[i]);
      assert.ok(j >= 0);
      assert.equal(x === 0, src.x[i] === 0);
    });
  });
  const bsn = resamplingTask("bsn", input);
  const residues = drawReplicate(bsn, 1).profiles.map((p) => p.name);
  // Three residues drawn, each with both fields.
  assert.equal(residues.length, 6);
  for (const r of new Set(residues)) {
    assert.equal(residues.filter((x) => x === r).length % 2, 0);
  }
});

function stds(path: string): Map<string, number> {
  const out = new Map<string, number>();
  let section = "";
  for (const line of Deno.readTextFileSync(path).split("\n")) {
    const s = /^\["(.*)"\]$/.exec(line);
    if (s) section = s[1];
    const m = /^standard_deviation = (\S+)/.exec(line);
    if (m) out.set(section, Number(m[1]));
  }
  return out;
}

function listFiles(dir: string, prefix = ""): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) =>
    e.isDirectory ? listFiles(`${dir}/${e.name}`, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]
  ).sort();
}

refdataTest(
  "stat example: MC/BS/BSN spreads vs ChemEx, and the same seed gives the same files",
  async (refdata) => {
    const folder = `${refdata}/fit/CPMG_15N_IP_stat`;
    const a = await runExfit(folder, referenceCommand(folder));
    const b = await runExfit(folder, referenceCommand(folder));
    try {
      const ref = `${folder}/Output/STEP1/Statistics`;
      for (const kind of ["MonteCarlo", "Bootstrap", "BootstrapNS"]) {
        const ours = stds(`${a}/STEP1/Statistics/${kind}/summary.toml`);
        const theirs = stds(`${ref}/${kind}/summary.toml`);
        assert.equal(ours.size, 17);
        // ChemEx's BSN refits residues that were not drawn and reports arbitrary values for
        // them (e.g. R2 = 1460 s⁻¹); only the parameters every replicate determines compare.
        const names = kind === "BootstrapNS" ? ["KEX_AB", "PB"] : [...theirs.keys()];
        for (const name of names) {
          const ratio = ours.get(name)! / theirs.get(name)!;
          assert.ok(ratio >= 0.4 && ratio <= 2.5, `${kind} ${name}: ${ratio.toFixed(2)}× ChemEx`);
        }
      }
      // run_info/ records the invocation (time, output path), not results.
      const results = (dir: string) => listFiles(dir).filter((f) => !f.startsWith("run_info/"));
      const files = results(a);
      assert.deepEqual(results(b), files);
      assert.ok(files.includes("STEP1/Statistics/BootstrapNS/samples.tsv"));
      for (const f of files) {
        assert.equal(Deno.readTextFileSync(`${b}/${f}`), Deno.readTextFileSync(`${a}/${f}`), f);
      }
      const diag = Deno.readTextFileSync(`${a}/STEP1/Statistics/MonteCarlo/diagnostics.toml`);
      assert.match(diag, /^root_seed = 0$/m);
      assert.match(diag, /^completed_samples = 10$/m);
    } finally {
      Deno.removeSync(a, { recursive: true });
      Deno.removeSync(b, { recursive: true });
    }
  },
);
