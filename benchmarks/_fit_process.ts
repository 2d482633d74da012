/**
 * One whole `exfit fit` process for the benchmark: runs the CLI and reports its own peak RSS
 * (VmHWM) on stderr, so the parent measures wall time of the complete process. It runs what
 * `deno task exfit` runs: the bundle while it is current, else the sources.
 *
 * @module
 */
import { cliEntry } from "../src/cli/exfit.ts";

// As `deno task exfit`: the bundle while it is current (`deno task build`), else the sources.
const { main } = await (import(cliEntry().href) as Promise<typeof import("../src/cli/main.ts")>);
const code = await main(Deno.args);
const status = Deno.readTextFileSync("/proc/self/status");
const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
console.error(`peak_rss_kb=${hwm ? hwm[1] : "nan"}`);
Deno.exit(code);
