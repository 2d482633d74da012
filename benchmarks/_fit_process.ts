/**
 * One whole `exfit fit` process for the benchmark: runs the CLI and reports its own peak RSS
 * (VmHWM) on stderr, so the parent measures wall time of the complete process.
 *
 * @module
 */
import { main } from "../src/cli/main.ts";

const code = await main(Deno.args);
const status = Deno.readTextFileSync("/proc/self/status");
const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
console.error(`peak_rss_kb=${hwm ? hwm[1] : "nan"}`);
Deno.exit(code);
