/**
 * What one import costs at start: a `deno run` of a two-line script that resolves a path through
 * `node:path` against the same through `src/config/paths.ts` (the module the readers and writers
 * use instead), alternated, wall time per process; plus an empty script for Deno's own start.
 *
 * Why it is kept: `src/config/paths.ts` replaces a built-in, which the brief allows only where a
 * benchmark shows the built-in is the bottleneck; on a short fit (about 0.3 s) the difference is
 * several per cent of the run.
 *
 * Run: `deno run -A benchmarks/startup_imports_bench.ts [runs]`
 *
 * @module
 */
import { median } from "./_timing.ts";
import { fromFileUrl } from "./_paths.ts";

const PATHS_TS = fromFileUrl(new URL("../src/config/paths.ts", import.meta.url));

const SCRIPTS: Record<string, string> = {
  "empty script": `console.log(1);\n`,
  "node:path": `import { resolve } from "node:path";\nconsole.log(resolve("a", "../b"));\n`,
  "src/config/paths.ts":
    `import { resolve } from "${PATHS_TS}";\nconsole.log(resolve("a", "../b"));\n`,
};

async function wallMs(file: string): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", file],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return performance.now() - t0;
}

if (import.meta.main) {
  const runs = Number(Deno.args[0] ?? 15);
  const dir = Deno.makeTempDirSync({ prefix: "exfit_imports_bench_" });
  try {
    const files = Object.entries(SCRIPTS).map(([name, text], k) => {
      const file = `${dir}/s${k}.ts`;
      Deno.writeTextFileSync(file, text);
      return { name, file, ms: [] as number[] };
    });
    for (const f of files) await wallMs(f.file); // Deno's caches filled first
    for (let i = 0; i < runs; i++) for (const f of files) f.ms.push(await wallMs(f.file));
    console.log(`== start-up cost of an import (medians of ${runs} alternated processes) ==`);
    const base = median(files[0].ms);
    for (const f of files) {
      const m = median(f.ms);
      console.log(
        `${f.name.padEnd(20)} ${m.toFixed(1)} ms` +
          (f === files[0] ? "" : ` (+${(m - base).toFixed(1)} ms)`),
      );
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
