const t0 = performance.now();
const { main } = await import("../src/cli/main.ts");
const t1 = performance.now();
Deno.chdir("/work/shared/refdata/fit/CPMG_15N_IP");
await main(["fit", "-e", "Experiments/500mhz.toml", "Experiments/800mhz.toml", "-p", "Parameters/parameters.toml", "-m", "Methods/method.toml", "-o", "/tmp/fitprof", "--plot", "nothing", "--workers", "0"]);
console.log("import", (t1 - t0).toFixed(0), "ms; run", (performance.now() - t1).toFixed(0), "ms");
