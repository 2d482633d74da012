/**
 * Shift-experiment `.dat` files (header `# Unit: PPB`, one row per spin system) for tests.
 *
 * @module
 */
import { strict as assert } from "node:assert";

/** Rows of a shift `.dat` file: name → [exp, err, calc]. */
export function parseShiftDat(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [name, ...cols] = line.split(/\s+/);
    out.set(name, cols.map(Number));
  }
  return out;
}

/**
 * Compare the calculated column of every shift `.dat` of `refDir/Data` with ours: same rows in
 * the same order, |Δ| within half a unit of ChemEx's last printed digit (0.001 ppb) plus
 * rounding slack. Returns the largest difference.
 */
export function compareShiftDats(refDir: string, ourDir: string, files: string[]): number {
  let worst = 0;
  for (const f of files) {
    const refText = Deno.readTextFileSync(`${refDir}/Data/${f}`);
    const ourText = Deno.readTextFileSync(`${ourDir}/Data/${f}`);
    assert.ok(ourText.startsWith("#\n# Unit: PPB\n#\n"), `${f}: shift header`);
    const ref = parseShiftDat(refText);
    const ours = parseShiftDat(ourText);
    assert.deepEqual([...ours.keys()], [...ref.keys()], `${f}: spin systems and order`);
    for (const [name, cols] of ref) {
      const mine = ours.get(name)!;
      const d = Math.abs(mine[2] - cols[2]);
      worst = Math.max(worst, d);
      assert.ok(d <= 0.0010001, `${f} [${name}]: ${mine[2]} vs ChemEx ${cols[2]} ppb`);
      assert.ok(Math.abs(mine[1] - cols[1]) <= 0.0010001, `${f} [${name}]: error column`);
    }
  }
  return worst;
}
