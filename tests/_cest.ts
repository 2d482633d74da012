/**
 * Test helpers for the CEST experiments.
 *
 * @module
 */
import { compareDataDirs, refdataTest, referenceCommand, runExfit } from "./_refdata.ts";

/**
 * A simulate fixture whose OutputSim reproduces ChemEx's raw ¹³C-multiplet weights (pitfall P4,
 * NOTE_chemex_defect.txt): the folder is copied to a temporary directory with
 * `multiplet_weights = "raw"` added to every experiment file, then compared at `tol`.
 */
export function rawWeightsFixtureTest(relFolder: string, tol = 1e-6): void {
  refdataTest(`simulate ${relFolder} with raw multiplet weights matches ChemEx`, async (ref) => {
    const src = `${ref}/${relFolder}`;
    const tmp = Deno.makeTempDirSync({ prefix: "exfit_cest_raw_" });
    try {
      copyTree(src, tmp);
      for (const e of Deno.readDirSync(`${tmp}/Experiments`)) {
        const path = `${tmp}/Experiments/${e.name}`;
        const text = Deno.readTextFileSync(path);
        Deno.writeTextFileSync(
          path,
          text.replace(/^\[experiment\]\s*$/m, '[experiment]\nmultiplet_weights = "raw"'),
        );
      }
      const out = await runExfit(tmp, referenceCommand(tmp));
      try {
        compareDataDirs(`${src}/OutputSim`, out, tol);
      } finally {
        Deno.removeSync(out, { recursive: true });
      }
    } finally {
      Deno.removeSync(tmp, { recursive: true });
    }
  });
}

function copyTree(from: string, to: string): void {
  for (const e of Deno.readDirSync(from)) {
    if (e.name.startsWith("Output")) continue;
    if (e.isDirectory) {
      Deno.mkdirSync(`${to}/${e.name}`);
      copyTree(`${from}/${e.name}`, `${to}/${e.name}`);
    } else if (e.isFile) {
      Deno.writeFileSync(`${to}/${e.name}`, Deno.readFileSync(`${from}/${e.name}`));
    }
  }
}
