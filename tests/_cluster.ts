/**
 * Helpers of the cluster tests: run the CLI in this process capturing its output, read a whole
 * output folder, and a small synthetic study with independent-group fits, a GRID and MC.
 *
 * @module
 */
import { main } from "../src/cli/main.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";

/** Run `exfit args…` in this process; its exit code and what it printed. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await main(args);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/**
 * Every file under `dir`, by relative path (hidden `.exfit/` included), but `report.html` and
 * `run_info/` (`exfit fit`'s record of the run): they record when and with which command they were
 * made, so two runs never write the same ones. `.exfit/published.json` (which top-level entries a
 * published run wrote, `src/output/run_staging.ts`) is left out too: it lists `run_info/`, which a
 * cluster merge does not write.
 */
export function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of Deno.readDirSync(rel ? `${dir}/${rel}` : dir)) {
      // run_info/ records each invocation (time, command line): not part of the results.
      if (!rel && e.name === "run_info") continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) {
        if (path !== "run_info") walk(path);
      } else if (path !== "report.html" && path !== ".exfit/published.json") {
        files[path] = Deno.readTextFileSync(`${dir}/${path}`);
      }
    }
  };
  walk("");
  return files;
}

/**
 * A 3-residue synthetic ¹⁵N CPMG study (one field) whose method has independent-group fits
 * (STEP1, exchange fixed), a GRID over KEX_AB and PB (STEP2) and MC replicates (STEP3); returns
 * the `fit` options naming its files.
 */
export function gridMcStudy(dir: string, mc = 6): string[] {
  const s = writeSyntheticStudy(dir, { residues: 3, seed: 21, fields: [600] });
  const method = `${dir}/Methods/method.toml`;
  Deno.writeTextFileSync(
    method,
    `[STEP1]\nFIX = ["KEX_AB", "PB"]\n\n` +
      `[STEP2]\nGRID = ["[KEX_AB] = lin(250.0, 450.0, 4)", "[PB] = lin(0.04, 0.08, 3)"]\n\n` +
      `[STEP3]\nSTATISTICS = { MC = ${mc} }\n`,
  );
  return ["-e", ...s.experiments, "-p", s.parameters, "-m", method];
}
