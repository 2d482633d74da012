/**
 * Writes `run_info/` for `exfit fit` (ChemEx 2026.09 schema 2, spec §5.2): at the start the run
 * record, the original start and verbatim copies of the input TOML files; after every committed
 * step `restart.toml`; `outcome.toml` from "running" to "complete" (or "incomplete" with the
 * failure). Each write into a visible output folder is atomic; into a run's staging folder
 * (`writeDir`, published whole at the end) the files are written directly.
 *
 * @module
 */
import { sha256Hex } from "../io/digest.ts";
import { basename, dirname, extname, join, resolve } from "../config/paths.ts";
import { writeTreeAtomically } from "../output/atomic.ts";
import {
  formatOutcomeToml,
  formatParameterState,
  formatRunToml,
  type Outcome,
  type RunInput,
  type StochasticOperation,
} from "../output/run_info.ts";
import type { ParamStore } from "../params/store.ts";
import type { StepSpec } from "../fit/step.ts";
import { EXFIT_VERSION } from "../output/version.ts";

/** What the writer needs to know about the invocation. */
export interface RunInfoOptions {
  outDir: string;
  /**
   * Where the files go while the run is staged (default `outDir`). A staging folder is private
   * until it is published in one rename, so writes there need no atomic swap of their own.
   */
  writeDir?: string;
  arguments: string[];
  model: string;
  include?: string[];
  exclude?: string[];
  workers?: string;
  compat: string;
  seed: string;
  experiments: string[];
  parameters: string[];
  methods: string[];
  steps: StepSpec[];
}

function seedsOf(steps: readonly StepSpec[], root: string): StochasticOperation[] {
  const out: StochasticOperation[] = [];
  for (const s of steps) {
    const step = s.origin?.step ?? s.name;
    if (s.search?.kind === "de") out.push({ step, kind: "de", seed: s.search.seed });
    const st = s.statistics;
    if (!st) continue;
    for (const kind of ["mc", "bs", "bsn"] as const) {
      if (st[kind]) out.push({ step, kind, seed: String(st.seeds?.[kind] ?? root) });
    }
    if (st.mcmc) out.push({ step, kind: "mcmc", seed: String(st.mcmc.seed ?? root) });
  }
  return out;
}

/** `run_info/` of one invocation. */
export class RunInfoWriter {
  #opts: RunInfoOptions;
  #ids: string[] = [];
  #revision = 0;

  constructor(opts: RunInfoOptions) {
    this.#opts = opts;
  }

  #write(files: Record<string, string | Uint8Array>): void {
    const staged = this.#opts.writeDir;
    if (staged === undefined) {
      const map = new Map(Object.entries(files).map(([k, v]) => [`run_info/${k}`, v]));
      writeTreeAtomically(this.#opts.outDir, map);
      return;
    }
    // Ctrl-C is handled between tasks, never inside these synchronous writes, so a published
    // staging folder never holds a torn file.
    for (const [name, data] of Object.entries(files)) {
      const path = join(staged, "run_info", name);
      Deno.mkdirSync(dirname(path), { recursive: true });
      if (typeof data === "string") Deno.writeTextFileSync(path, data);
      else Deno.writeFileSync(path, data);
    }
  }

  /**
   * Record the run and the original start (the store before any step: the parameters whose
   * role is not derived there are the ones written).
   *
   * @example
   * ```ts
   * await writer.start(loaded.store);
   * ```
   */
  async start(store: ParamStore): Promise<void> {
    const o = this.#opts;
    this.#ids = [...store.values()].filter((p) => p.expr === "").map((p) => p.id);
    const inputs: RunInput[] = [];
    const files: Record<string, string | Uint8Array> = {};
    const cats = [
      ["experiments", o.experiments],
      ["parameters", o.parameters],
      ["methods", o.methods],
    ] as const;
    // Every input's digest at once: each is an asynchronous call, and one after the other they
    // cost a thread hop each.
    const resolvedOf = new Map<string, string>();
    for (const [, paths] of cats) {
      for (const p of paths) if (!resolvedOf.has(p)) resolvedOf.set(p, Deno.realPathSync(p));
    }
    const unique = [...new Set(resolvedOf.values())];
    const bytesOf = new Map(unique.map((r) => [r, Deno.readFileSync(r)]));
    const hashes = await Promise.all(unique.map((r) => sha256Hex(bytesOf.get(r)!)));
    const hashOf = new Map(unique.map((r, k) => [r, hashes[k]]));
    for (const [category, paths] of cats) {
      const used = new Set<string>();
      const seen = new Set<string>();
      for (const provided of paths) {
        const resolvedPath = resolvedOf.get(provided)!;
        if (seen.has(resolvedPath)) continue;
        seen.add(resolvedPath);
        const bytes = bytesOf.get(resolvedPath)!;
        const hash = hashOf.get(resolvedPath)!;
        let name = basename(resolvedPath);
        if (used.has(name)) {
          const ext = extname(name);
          const stem = name.slice(0, name.length - ext.length);
          name = `${stem}__${(await sha256Hex(resolvedPath)).slice(0, 8)}${ext}`;
          for (let k = 2; used.has(name); k++) name = `${stem}__${k}${ext}`;
        }
        used.add(name);
        const copiedPath = `run_info/inputs/${category}/${name}`;
        files[`inputs/${category}/${name}`] = bytes;
        inputs.push({ category, providedPath: provided, resolvedPath, copiedPath, sha256: hash });
      }
      // The category folders always exist.
      if (paths.length === 0) files[`inputs/${category}/.keep`] = "";
    }
    files["run.toml"] = formatRunToml({
      createdAtUtc: new Date().toISOString().replace(/\.\d+Z$/, "+00:00"),
      kind: "fit",
      workingDirectory: Deno.cwd(),
      requestedOutputPath: o.outDir,
      resolvedOutputPath: resolve(o.outDir),
      model: o.model,
      arguments: ["exfit", ...o.arguments],
      include: o.include ?? [],
      exclude: o.exclude ?? [],
      workers: o.workers ?? "auto",
      software: {
        exfit: EXFIT_VERSION,
        deno: Deno.version.deno,
        v8: Deno.version.v8,
        typescript: Deno.version.typescript,
      },
      compat: o.compat,
      rootSeed: o.seed,
      inputs,
      stochastic: seedsOf(o.steps, o.seed),
    });
    files["parameters_used.toml"] = formatParameterState(store, this.#ids, "used");
    files["outcome.toml"] = this.#outcome("running");
    this.#write(files);
  }

  #outcome(status: Outcome["status"], failure?: Outcome["failure"]): string {
    return formatOutcomeToml({
      status,
      latestCommittedRevision: this.#revision,
      restartRevision: this.#revision,
      failure,
    });
  }

  /** A step committed: `restart.toml` holds its values. */
  commit(store: ParamStore): void {
    this.#revision++;
    this.#write({
      "restart.toml": formatParameterState(store, this.#ids, "restart"),
      "outcome.toml": this.#outcome("running"),
    });
  }

  /** The run completed. */
  finish(): void {
    this.#write({ "outcome.toml": this.#outcome("complete") });
  }

  /** The run failed at `stage` (ChemEx's stage names). */
  fail(error: Error, stage = "deterministic_fit"): void {
    this.#write({
      "outcome.toml": this.#outcome("incomplete", {
        type: error.name,
        message: error.message,
        stage,
      }),
    });
  }
}
