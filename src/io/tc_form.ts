/**
 * Which `.tc` parameterisation a study uses (spec §6.6, open question §8.2). ChemEx 2026.06 to
 * 2026.09.1 wrote DW_AX(T) = DWP_AX + T·DWM_AX with a constant CS_A; the newest ChemEx writes
 * CS_A = CS0_A + CS1_A·(T − TREF) and DW_AX = DW0_AX + DW1_AX·(T − TREF), with no aliases.
 * exfit reads both: the parameter files decide. Files naming DWP/DWM, or a constant CS_A and
 * nothing of the newer form, are read in the older form; files naming TREF, CS0, CS1, DW0 or DW1
 * in the newer one; files naming both are an error. Without either, the newest form is used
 * (the older one with `--compat 2026.06`).
 *
 * @module
 */
import { ConfigError } from "../config/errors.ts";
import type { ParameterEntry } from "../config/parameters.ts";
import type { CompatVersion } from "../config/compat.ts";
import { parseParamName } from "../params/name.ts";

/** The two `.tc` forms. */
export type TcForm = "tref" | "dwp";

const OLD = /^DW[PM]_[A-H]{2}$/;
const NEW = /^(TREF|CS[01]_[A-H]|DW[01]_[A-H]{2})$/;
const CONSTANT_CS = /^CS_A$/;

function where(e: ParameterEntry): string {
  return `${e.file}${e.line !== undefined ? `:${e.line}` : ""} (${e.selector})`;
}

/**
 * The form of a `.tc` study's parameter files, with a notice saying which was chosen and why
 * (null when the default applies silently).
 *
 * @example
 * ```ts
 * tcFormOf([{ selector: "DWP_AB, NUC->1N", value: 1, file: "p.toml", line: 3 }]).form; // "dwp"
 * ```
 */
export function tcFormOf(
  entries: readonly ParameterEntry[],
  compat: CompatVersion = "2026.09",
): { form: TcForm; notice: string | null } {
  const named = (re: RegExp) => entries.find((e) => re.test(parseParamName(e.selector).name));
  const oldEntry = named(OLD);
  const newEntry = named(NEW);
  const constantCs = named(CONSTANT_CS);
  const conversion = "DW0 = DWP + TREF·DWM, DW1 = DWM, CS0_A = CS_A, CS1_A = 0";
  if (newEntry && (oldEntry || constantCs)) {
    const other = (oldEntry ?? constantCs)!;
    const why = oldEntry
      ? "DWP/DWM belong to ChemEx 2026.06–2026.09.1's form"
      : "CS_A is derived in the newer form (CS_A = CS0_A + CS1_A·(T − TREF))";
    throw new ConfigError(
      newEntry.file,
      `the .tc parameters mix two forms: ${where(newEntry)} is of the newest form ` +
        `(TREF, CS0, CS1, DW0, DW1) and ${where(other)} is not (${why}); use one form ` +
        `(conversion: ${conversion})`,
      { line: newEntry.line, key: newEntry.selector },
    );
  }
  if (oldEntry || constantCs) {
    return {
      form: "dwp",
      notice: `.tc: the parameter files use the DWP/DWM form (ChemEx 2026.06–2026.09.1, ` +
        `${where((oldEntry ?? constantCs)!)}); read as DW_AX = DWP_AX + T·DWM_AX ` +
        `(newest form: ${conversion})`,
    };
  }
  if (newEntry) return { form: "tref", notice: null };
  return { form: compat === "2026.06" ? "dwp" : "tref", notice: null };
}
