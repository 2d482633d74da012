/**
 * Helpers for tests against ChemEx's reference outputs in `../shared/refdata` (absent on some
 * machines: tests then skip with a printed notice and count as ignored, never as passed).
 *
 * The root can be overridden with the environment variable `EXFIT_REFDATA` (e.g.
 * `EXFIT_REFDATA=/nonexistent deno task test` shows what a machine without the data runs).
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { fileURLToPath as fromFileUrl } from "node:url";

/**
 * Absolute path where the reference data are expected (whether or not they are there):
 * `$EXFIT_REFDATA` when set, else `../shared/refdata` beside the repository.
 */
export const REFDATA_PATH: string = Deno.env.get("EXFIT_REFDATA") ||
  fromFileUrl(new URL("../../shared/refdata", import.meta.url));

/** Absolute path of `../shared/refdata`, or null when it is not there. */
export const REFDATA: string | null = (() => {
  const dir = REFDATA_PATH;
  try {
    return Deno.statSync(dir).isDirectory ? dir : null;
  } catch {
    return null;
  }
})();

/** Repository root. */
export const REPO = fromFileUrl(new URL("..", import.meta.url));

/** Where the inputs of a two-field example fit are, and which parameter and method files. */
export interface FitInputOptions {
  /** Folder of the example (default: none, paths relative to the working directory). */
  dir?: string;
  /** Parameter file (default `Parameters/parameters.toml` of the example). */
  parameters?: string;
  /** Method file (default `Methods/method.toml` of the example). */
  method?: string;
}

/**
 * The input options of `exfit fit` for a two-field refdata example laid out as CPMG_15N_IP is
 * (`Experiments/500mhz.toml`, `Experiments/800mhz.toml`, `Parameters/parameters.toml`,
 * `Methods/method.toml`).
 *
 * @example
 * ```ts
 * cpmg15nIpInputs({ method: "/tmp/method.toml" });
 * // ["-e", "Experiments/500mhz.toml", "Experiments/800mhz.toml", "-p", …, "-m", "/tmp/method.toml"]
 * ```
 */
export function cpmg15nIpInputs(options: FitInputOptions = {}): string[] {
  const at = (file: string) => options.dir === undefined ? file : `${options.dir}/${file}`;
  return [
    "-e",
    at("Experiments/500mhz.toml"),
    at("Experiments/800mhz.toml"),
    "-p",
    options.parameters ?? at("Parameters/parameters.toml"),
    "-m",
    options.method ?? at("Methods/method.toml"),
  ];
}

/**
 * `deno run` arguments of exfit's fit of the CPMG_15N_IP example (run inside its refdata folder,
 * or any two-field example laid out the same way) with its own method, into `out`, without
 * plots; `extra` options follow. `options.entry` replaces the CLI module (a benchmark's wrapper),
 * `options.plot` the plot level.
 *
 * @example
 * ```ts
 * new Deno.Command(Deno.execPath(), { args: cpmg15nIpFitArgs("/tmp/out"), cwd: folder });
 * ```
 */
export function cpmg15nIpFitArgs(
  out: string,
  extra: string[] = [],
  options: FitInputOptions & { entry?: string; plot?: string } = {},
): string[] {
  return [
    "run",
    "-A",
    options.entry ?? `${REPO}src/cli/main.ts`,
    "fit",
    ...cpmg15nIpInputs(options),
    "-o",
    out,
    "--plot",
    options.plot ?? "nothing",
    ...extra,
  ];
}

/**
 * Run an R1ρ example's `run.sh` (`examples/r1rho/<name>`: it converts the data from `refdata`
 * and fits once, without plots) in a temporary copy of its folder; returns the copy. Throws
 * with the script's output when it fails.
 *
 * @example
 * ```ts
 * const dir = await runR1rhoExample(REFDATA_PATH, "KORZHNEV_2005_FYN_SH3_R1RHO");
 * Deno.readTextFileSync(`${dir}/Output/Parameters/fitted.toml`);
 * ```
 */
export async function runR1rhoExample(refdata: string, name: string): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: `exfit_${name}_` });
  const src = `${REPO}examples/r1rho/${name}`;
  for (const sub of ["Experiments", "Parameters", "Methods"]) {
    Deno.mkdirSync(`${dir}/${sub}`);
    for (const f of Deno.readDirSync(`${src}/${sub}`)) {
      Deno.copyFileSync(`${src}/${sub}/${f.name}`, `${dir}/${sub}/${f.name}`);
    }
  }
  Deno.copyFileSync(`${src}/run.sh`, `${dir}/run.sh`);
  const r = await new Deno.Command("sh", {
    args: [`${dir}/run.sh`, "--plot", "nothing"],
    env: { EXFIT_REFDATA: refdata, EXFIT: `${Deno.execPath()} run -A ${REPO}src/cli/main.ts` },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const td = new TextDecoder();
  assert.equal(r.code, 0, td.decode(r.stdout) + td.decode(r.stderr));
  return dir;
}

/**
 * Register a test that needs the reference data; when they are missing it is registered as
 * ignored (so the runner counts it as skipped) and a notice is printed.
 *
 * @example
 * ```ts
 * refdataTest("reads CPMG_15N_IP", (refdata) => {
 *   Deno.statSync(`${refdata}/fit/CPMG_15N_IP`);
 * });
 * ```
 */
export function refdataTest(name: string, fn: (refdata: string) => void | Promise<void>): void {
  Deno.test({
    name,
    ignore: REFDATA === null,
    fn: () => fn(REFDATA!),
  });
  if (REFDATA === null) console.log(`notice: skipping "${name}": ${REFDATA_PATH} is absent`);
}

/** The `chemex-ref ...` line of a folder's command.txt, split into arguments (no shell). */
export function referenceCommand(folder: string): string[] {
  const text = Deno.readTextFileSync(`${folder}/command.txt`);
  const line = text.split("\n").find((l) => l.trim().startsWith("chemex-ref"));
  if (!line) throw new Error(`${folder}/command.txt has no chemex-ref line`);
  const args = line.trim().split(/\s+/).slice(1);
  // Expand the shell globs ChemEx's commands use (e.g. Experiments/*.toml).
  return args.flatMap((a) => {
    if (!a.includes("*")) return [a];
    const [dir, pat] = [a.slice(0, a.lastIndexOf("/")), a.slice(a.lastIndexOf("/") + 1)];
    const re = new RegExp(`^${pat.replace(/\./g, "\\.").replace(/\*/g, ".*")}$`);
    return [...Deno.readDirSync(`${folder}/${dir}`)].map((e) => e.name).filter((n) => re.test(n))
      .sort().map((n) => `${dir}/${n}`);
  });
}

/**
 * Run `exfit <args>` from the sources in a child process (in `cwd`, default this one) and return
 * its exit code and decoded output, whatever the outcome.
 *
 * @example
 * ```ts
 * const { code, err } = await exfitCli(["fit", "-e", "Experiments/800mhz.toml"], dir);
 * ```
 */
export async function exfitCli(
  args: string[],
  cwd?: string,
): Promise<{ code: number; out: string; err: string }> {
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO}src/cli/main.ts`, ...args],
    ...(cwd !== undefined ? { cwd } : {}),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const [out, err] = [res.stdout, res.stderr].map((b) => new TextDecoder().decode(b));
  return { code: res.code, out, err };
}

/**
 * A ChemEx-format parameter file (`fitted.toml`) as "SECTION/KEY" → value and its ± error (null
 * where the comment gives none: fixed, derived without error, or unavailable). Section names lose
 * their quotes; the `[GLOBAL]` section's keys read "GLOBAL/KEX_AB".
 *
 * @example
 * ```ts
 * readFitted(`${out}/STEP2/Parameters/fitted.toml`).get("GLOBAL/KEX_AB"); // { value: 330.2, err: 12.1 }
 * ```
 */
export function readFitted(path: string): Map<string, { value: number; err: number | null }> {
  const out = new Map<string, { value: number; err: number | null }>();
  let section = "";
  for (const line of Deno.readTextFileSync(path).split("\n")) {
    const s = /^\[(.*)\]$/.exec(line.trim());
    if (s) {
      section = s[1].replace(/"/g, "");
      continue;
    }
    const m = /^"?([^"=]+?)"?\s*=\s*(\S+)\s*#\s*(?:±(\S+))?/.exec(line);
    if (m) {
      out.set(`${section}/${m[1].trim()}`, {
        value: Number(m[2]),
        err: m[3] ? Number(m[3]) : null,
      });
    }
  }
  return out;
}

/**
 * Run the exfit CLI in `cwd` with ChemEx's arguments, output redirected to a fresh temp dir.
 * Returns that directory.
 */
export async function runExfit(cwd: string, args: string[], extra: string[] = []): Promise<string> {
  const out = Deno.makeTempDirSync({ prefix: "exfit_test_" });
  const a = args.slice();
  const o = a.findIndex((x) => x === "-o" || x === "--output");
  if (o >= 0) a.splice(o, 2);
  const res = await exfitCli([...a, "-o", out, ...extra], cwd);
  if (res.code !== 0) throw new Error(`exfit ${a.join(" ")} failed in ${cwd}:\n${res.err}`);
  return out;
}

/** Parsed `.dat` file: block name -> rows of numbers (comment rows marked unused). */
export function parseDat(text: string): Map<string, { cols: number[]; used: boolean }[]> {
  const out = new Map<string, { cols: number[]; used: boolean }[]>();
  let current: { cols: number[]; used: boolean }[] | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    const m = /^\[(.+)\]$/.exec(line);
    if (m) {
      current = [];
      out.set(m[1], current);
      continue;
    }
    if (!current) continue;
    const used = !line.startsWith("#");
    const body = line.replace(/^#/, "").replace(/# NOT USED IN THE FIT/, "").trim();
    const cols = body.split(/\s+/).map(Number);
    if (cols.some((c) => Number.isNaN(c))) continue; // header line
    current.push({ cols, used });
  }
  return out;
}

/**
 * Compare the last (calculated) column of every `Data/*.dat` of a reference folder with ours:
 * relative error ≤ tol (relative to the largest |value| of the profile, so zero crossings do not
 * blow up), same blocks, same rows. Returns the largest relative error seen.
 */
export function compareDataDirs(refDir: string, ourDir: string, tol: number): number {
  let worst = 0;
  const files = [...Deno.readDirSync(`${refDir}/Data`)].map((e) => e.name).filter((n) =>
    n.endsWith(".dat")
  );
  assert.ok(files.length > 0, `no .dat files in ${refDir}/Data`);
  for (const f of files) {
    const ref = parseDat(Deno.readTextFileSync(`${refDir}/Data/${f}`));
    const ours = parseDat(Deno.readTextFileSync(`${ourDir}/Data/${f}`));
    assert.deepEqual([...ours.keys()].sort(), [...ref.keys()].sort(), `${f}: profile names`);
    for (const [name, rows] of ref) {
      const mine = ours.get(name)!;
      assert.equal(mine.length, rows.length, `${f} [${name}]: row count`);
      const scale = Math.max(...rows.map((r) => Math.abs(r.cols[r.cols.length - 1])));
      rows.forEach((r, i) => {
        const a = r.cols[r.cols.length - 1];
        const b = mine[i].cols[mine[i].cols.length - 1];
        assert.equal(mine[i].cols[0], r.cols[0], `${f} [${name}] row ${i}: x`);
        const err = scale === 0 ? Math.abs(a - b) : Math.abs(a - b) / scale;
        worst = Math.max(worst, err);
        assert.ok(err <= tol, `${f} [${name}] row ${i}: ${b} vs ChemEx ${a} (rel ${err})`);
      });
    }
  }
  return worst;
}

/**
 * The standard simulate check of one refdata folder (e.g. "simulate/CPMG_15N_IP").
 *
 * @example
 * ```ts
 * simulateFixtureTest("simulate/CPMG_15N_IP");
 * ```
 */
export function simulateFixtureTest(relFolder: string, tol = 1e-6, extra: string[] = []): void {
  refdataTest(`simulate ${relFolder} matches ChemEx to ${tol}`, async (refdata) => {
    const folder = `${refdata}/${relFolder}`;
    const out = await runExfit(folder, referenceCommand(folder), extra);
    try {
      compareDataDirs(`${folder}/OutputSim`, out, tol);
    } finally {
      Deno.removeSync(out, { recursive: true });
    }
  });
}

/** Copy a folder tree (e.g. a refdata example) to a fresh temp dir; returns the copy's path. */
export function copyToTemp(folder: string): string {
  const dest = Deno.makeTempDirSync({ prefix: "exfit_copy_" });
  const copy = (from: string, to: string) => {
    for (const e of Deno.readDirSync(from)) {
      if (e.isDirectory) {
        Deno.mkdirSync(`${to}/${e.name}`);
        copy(`${from}/${e.name}`, `${to}/${e.name}`);
      } else if (e.isFile) Deno.copyFileSync(`${from}/${e.name}`, `${to}/${e.name}`);
    }
  };
  copy(folder, dest);
  return dest;
}

/**
 * Register a test that needs a service (`missing`: why it is unavailable, or null when it is
 * up) and, with `needsRefdata`, the reference data; when either is missing it is registered as
 * ignored and a notice is printed. The sanitizers are off: such tests start processes and
 * sockets that they stop in their own `finally`.
 *
 * @example
 * ```ts
 * serviceTest("runs on Slurm", async () => {}, SLURM ? null : "no Slurm cluster answers");
 * ```
 */
export function serviceTest(
  name: string,
  fn: () => Promise<void>,
  missing: string | null,
  needsRefdata = false,
): void {
  const why = missing ?? (needsRefdata && !REFDATA ? "../shared/refdata is absent" : null);
  Deno.test({ name, ignore: why !== null, fn, sanitizeResources: false, sanitizeOps: false });
  if (why) console.log(`notice: skipping "${name}": ${why}`);
}
