/**
 * `exfit pick_cest -e FILE... [-o DIR]`: serves the CEST profiles on 127.0.0.1 as a web page
 * where the user clicks the major and minor dips; every change rewrites `DIR/cs_a.toml` and
 * `DIR/dw_ab.toml` (atomically). Ends on the page's "done" button or Ctrl-C.
 *
 * @module
 */
import type { Command } from "./command.ts";

/** Options of the command. */
export interface PickCestOptions {
  experiments: string[];
  output: string;
  port: string;
  hostname: string;
}

/**
 * Serve the page until "done"; resolves when the server has stopped.
 *
 * @example
 * ```ts
 * await pickCest({ experiments: ["Experiments/cest.toml"], output: "Sandbox", port: "0", hostname: "127.0.0.1" });
 * ```
 */
export async function pickCest(o: PickCestOptions): Promise<void> {
  const { loadStudy } = await import("../io/load.ts");
  const { parseModel } = await import("../models/model.ts");
  const { pickProfiles, pickFiles, parsePicks } = await import("../report/pick_cest.ts");
  const { pickPage } = await import("../report/pick_page.ts");
  const { writeTreeAtomically } = await import("../output/atomic.ts");
  const loaded = loadStudy({
    experiments: o.experiments,
    parameters: [],
    model: parseModel("2st"),
  });
  for (const n of loaded.notices) console.error(`exfit: ${n}`);
  const profiles = pickProfiles(loaded.study);
  const page = pickPage(profiles, o.output);
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port ${o.port}: expected an integer from 0 to 65535`);
  }
  const ac = new AbortController();
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const server = Deno.serve({
    hostname: o.hostname,
    port,
    signal: ac.signal,
    onListen: ({ hostname, port }) => {
      console.log(`pick_cest: ${profiles.length} profiles at http://${hostname}:${port}/`);
    },
  }, async (req) => {
    const path = new URL(req.url).pathname;
    if (req.method === "GET" && path === "/") {
      return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    if (req.method === "POST" && path === "/picks") {
      try {
        const picks = parsePicks(await req.json(), profiles.length);
        const files = pickFiles(profiles, picks);
        writeTreeAtomically(o.output, new Map(Object.entries(files)));
        return json({ written: Object.keys(files) });
      } catch (e) {
        return json({ error: (e as Error).message }, 400);
      }
    }
    if (req.method === "POST" && path === "/quit") {
      setTimeout(() => ac.abort(), 0);
      return json({ ok: true });
    }
    return new Response("not found", { status: 404 });
  });
  const stop = () => ac.abort();
  Deno.addSignalListener("SIGINT", stop);
  try {
    await server.finished;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
  }
  console.log(`pick_cest: picks in ${o.output}/cs_a.toml and ${o.output}/dw_ab.toml`);
}

/**
 * Register `pick_cest` on the program.
 *
 * @example
 * ```ts
 * addPickCestCommand(program);
 * ```
 */
export function addPickCestCommand(program: Command): void {
  program.command("pick_cest")
    .description("pick the major and minor dips of CEST profiles in the browser (cs_a/dw_ab.toml)")
    .requiredOption("-e, --experiments <files...>", "CEST experiment files (TOML)")
    .option("-o, --output <dir>", "where cs_a.toml and dw_ab.toml are written", "./Sandbox")
    .option("--port <n>", "port to listen on (0: any free port)", "0")
    .option("--hostname <address>", "address to listen on", "127.0.0.1")
    .action(pickCest);
}
