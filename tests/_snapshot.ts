/**
 * Output snapshot for refactors that must change no output byte: runs exfit on every
 * `../shared/refdata` simulate and model folder (ChemEx's own command lines), on the fit folders
 * when asked, and writes each run's output tree under OUT/<folder>. Compare two snapshots (before
 * and after a change) with `diff -r`.
 *
 * Run: `deno run -A tests/_snapshot.ts OUT [--fits] [--plots] [--only NAME]` (simulate: about a
 * minute; `--plots` drops ChemEx's `--plot nothing` so the figures are compared too).
 *
 * @module
 */
import { REFDATA, referenceCommand, REPO } from "./_refdata.ts";

const [out, ...rest] = Deno.args;
if (!out || REFDATA === null) {
  console.error("usage: tests/_snapshot.ts OUT [--fits] [--plots] [--only NAME] (needs refdata)");
  Deno.exit(2);
}
const only = rest.includes("--only") ? rest[rest.indexOf("--only") + 1] : undefined;
const groups = ["simulate", "models", ...(rest.includes("--fits") ? ["fit"] : [])];
const folders = groups.flatMap((g) =>
  [...Deno.readDirSync(`${REFDATA}/${g}`)].filter((e) => e.isDirectory).map((e) => `${g}/${e.name}`)
    .sort()
).filter((f) => !only || f.includes(only));

for (const rel of folders) {
  const folder = `${REFDATA}/${rel}`;
  let args: string[];
  try {
    args = referenceCommand(folder);
  } catch {
    continue; // no command.txt
  }
  const o = args.findIndex((x) => x === "-o" || x === "--output");
  if (o >= 0) args.splice(o, 2);
  const p = args.indexOf("--plot");
  if (rest.includes("--plots") && p >= 0) args.splice(p, 2);
  const dest = `${out}/${rel}`;
  Deno.mkdirSync(dest, { recursive: true });
  const t0 = performance.now();
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO}src/cli/main.ts`, ...args, "-o", `${dest}/Output`],
    cwd: folder,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const td = new TextDecoder();
  // Console text is part of the behaviour: kept with the output folder and timings masked.
  const mask = (t: string) =>
    t.replaceAll(dest, "<DEST>").replace(/\b\d+(\.\d+)? (s|ms)\b/g, "<T>");
  Deno.writeTextFileSync(`${dest}/stdout.txt`, mask(td.decode(res.stdout)));
  Deno.writeTextFileSync(`${dest}/stderr.txt`, mask(td.decode(res.stderr)));
  Deno.writeTextFileSync(`${dest}/code.txt`, `${res.code}\n`);
  console.log(`${rel}: exit ${res.code}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
