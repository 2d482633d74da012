/**
 * `Basins/basins.toml` of a step: every group whose fit was followed by a basin search, with
 * every distinct basin found (χ², the starts that reached it, the free parameters' values),
 * best first, and every group too large to search unasked whose diagnostics asked for one
 * (`starts = 0`, the plain fit its only basin). Numbers are `% .5e` like the parameter files, χ²
 * with 9 digits so that close basins stay apart.
 *
 * @module
 */
import type { BasinReport } from "../fit/basins.ts";
import { pyExp } from "../math/pyformat.ts";

/**
 * The file's text (`""` when no group was searched).
 *
 * @example
 * ```ts
 * formatBasinsToml(result.basins ?? []);
 * ```
 */
export function formatBasinsToml(reports: readonly BasinReport[]): string {
  if (reports.length === 0) return "";
  const out: string[] = [
    "# Basin search per group (exfit): refits from seeded starts; start 0 is the plain fit.",
    "# The group's result is the first basin; `moved` says it is not where the plain fit ended.",
    ...(reports.some((r) => r.starts === 0)
      ? [
        "# starts = 0: its diagnostics asked for a search, but a group this large is searched",
        "# only when asked (--multistart N, or MULTISTART = N in the method step).",
      ]
      : []),
    "",
  ];
  for (const r of reports) {
    out.push("[[group]]");
    out.push(`profiles = [${r.profiles.map((p) => JSON.stringify(p)).join(", ")}]`);
    out.push(`triggers = [${r.triggers.map((t) => JSON.stringify(t)).join(", ")}]`);
    out.push(`starts = ${r.starts}`);
    out.push(`moved = ${r.choice.moved}`);
    out.push("");
    for (const b of r.choice.basins) {
      out.push("[[group.basin]]");
      out.push(`chi_square = ${pyExp(b.chisqr, 9, { sign: " " })}`);
      out.push(`starts = [${b.starts.join(", ")}]`);
      out.push("[group.basin.values]");
      const width = Math.max(...r.ids.map((id) => JSON.stringify(id).length));
      r.ids.forEach((id, j) => {
        out.push(`${JSON.stringify(id).padEnd(width)} = ${pyExp(b.values[j], 5, { sign: " " })}`);
      });
      out.push("");
    }
  }
  return out.join("\n");
}
