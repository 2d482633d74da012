/**
 * Timing helpers shared by the benchmark scripts: the median, and whole-process timing of an
 * `exfit fit` run of a two-field refdata example through `_fit_process.ts`.
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { cpmg15nIpFitArgs } from "../tests/_refdata.ts";

const REPO = fromFileUrl(new URL("..", import.meta.url));

/** Median of `xs` (mean of the two middle values for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/**
 * Run `exfit fit` (500 and 800 MHz experiments, `Parameters/parameters.toml`, `method`, no plots)
 * `runs` times as a child process in `cwd`, output to a temp dir removed afterwards. Returns the
 * wall times in seconds and each run's stderr (where `_fit_process.ts` reports its peak RSS);
 * throws with the stderr of a failed run.
 */
export async function timeFitProcess(
  cwd: string,
  method: string,
  runs = 3,
): Promise<{ walls: number[]; stderrs: string[] }> {
  const out = Deno.makeTempDirSync({ prefix: "exfit_bench_" });
  // All permissions (`-A` in the arguments) only so the child can read its own
  // /proc/self/status.
  const args = cpmg15nIpFitArgs(out, [], { entry: `${REPO}benchmarks/_fit_process.ts`, method });
  const walls: number[] = [];
  const stderrs: string[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const res = await new Deno.Command(Deno.execPath(), {
        args,
        cwd,
        stdout: "null",
        stderr: "piped",
      }).output();
      walls.push((performance.now() - t0) / 1000);
      const stderr = new TextDecoder().decode(res.stderr);
      if (!res.success) throw new Error(stderr);
      stderrs.push(stderr);
    }
  } finally {
    Deno.removeSync(out, { recursive: true });
  }
  return { walls, stderrs };
}

/**
 * CPU seconds (user + system) of this process's finished children so far (Linux
 * `/proc/self/stat` cutime + cstime, in 1/100 s); `undefined` elsewhere. The difference around
 * a child run is its CPU time, which a shared machine's load inflates far less than wall time.
 *
 * @example
 * ```ts
 * const before = childCpuS();
 * await new Deno.Command("true").output();
 * const cpu = childCpuS()! - before!;
 * ```
 */
export function childCpuS(): number | undefined {
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 16 and 17 of proc(5), counted from the state (field 3) here.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Run `script --child ARGS…` in a fresh Deno process (all permissions) and parse the JSON it
 * prints: a benchmark measured without the warm code of the parent.
 *
 * @example
 * ```ts
 * const row = await childJson<Row>(import.meta.url, [type, folder], `benchmark of ${type}`);
 * ```
 */
export async function childJson<T>(script: string, args: string[], what: string): Promise<T> {
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", fromFileUrl(script), "--child", ...args],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!res.success) throw new Error(`${what} failed (exit code ${res.code})`);
  return JSON.parse(new TextDecoder().decode(res.stdout));
}
