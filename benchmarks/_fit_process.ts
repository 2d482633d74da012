/**
 * One whole `exfit fit` process for the benchmark: runs the CLI and reports its own peak RSS
 * (VmHWM) on stderr, so the parent measures wall time of the complete process. It runs what
 * `deno task exfit` runs: the bundle while it is current (with its code cache), else the sources.
 *
 * @module
 */
import { loadCli } from "../src/cli/exfit.ts";

// As `deno task exfit`: the bundle while it is current (`deno task build`), else the sources.
const { cli, finish } = await loadCli(Deno.args);
const code = await cli.main(Deno.args);
await finish();
const status = Deno.readTextFileSync("/proc/self/status");
const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
console.error(`peak_rss_kb=${hwm ? hwm[1] : "nan"}`);
Deno.exit(code);
