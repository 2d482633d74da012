/**
 * The study of a refdata fixture as its reference command loads it (experiments, parameters and
 * model from `command.txt`), for tests that work on the typed study rather than a run.
 *
 * @module
 */
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { referenceCommand } from "./_refdata.ts";

/**
 * Load the study of a fixture folder from its reference command's `-e`, `-p` and `-d` arguments.
 *
 * @example
 * ```ts
 * const { study, store } = loadReferenceStudy(`${refdata}/simulate/CPMG_15N_IP`);
 * ```
 */
export function loadReferenceStudy(folder: string): ReturnType<typeof loadStudy> {
  const args = referenceCommand(folder);
  const take = (flag: string) => {
    const out: string[] = [];
    for (let k = args.indexOf(flag) + 1; k < args.length && !args[k].startsWith("-"); k++) {
      out.push(`${folder}/${args[k]}`);
    }
    return out;
  };
  const d = args.indexOf("-d");
  return loadStudy({
    experiments: take("-e"),
    parameters: take("-p"),
    model: parseModel(d >= 0 ? args[d + 1] : "2st"),
  });
}
