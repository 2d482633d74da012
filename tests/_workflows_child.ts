/**
 * Child process of the HTTP workflow tests: fits a study on the given endpoints (optionally with
 * injected faults) and prints the run record as one JSON document on stdout.
 *
 * @module
 */
import { httpExecutor } from "../workflows/http.ts";
import { injectFaults } from "../workflows/faults.ts";
import { type HttpChildOptions, runStudy, type StudyConfig } from "./_workflows.ts";

const { config, http } = JSON.parse(Deno.args[0]) as {
  config: StudyConfig;
  http: HttpChildOptions;
};
const faulty = http.faults
  ? injectFaults(fetch, {
    rate: http.faults.rate,
    seed: http.faults.seed,
    hangMs: http.faults.hangMs,
  })
  : null;
const executor = httpExecutor({
  endpoints: http.endpoints,
  timeoutMs: http.timeoutMs,
  retries: http.retries,
  backoffMs: 20,
  fetch: faulty?.fetch,
});
try {
  const rec = await runStudy(config, executor);
  console.log(JSON.stringify({ ...rec, ...(faulty ? { faults: faulty.report() } : {}) }));
} finally {
  await executor.close();
}
