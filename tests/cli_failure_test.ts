/** CLI failures (ChemEx 2026.09 spec §7): concise messages, --debug tracebacks, Ctrl-C → 130. */
import { strict as assert } from "node:assert";
import { describeFailure } from "../src/cli/failure.ts";
import { ConfigError } from "../src/config/errors.ts";
import { cpmg15nIpFitArgs, refdataTest, REPO } from "./_refdata.ts";

Deno.test("describeFailure: one line, internal errors point to --debug, stack only with it", () => {
  const user = describeFailure(new ConfigError("m.toml", "bad key"), false);
  assert.equal(user, "exfit: error: m.toml: bad key");
  const bug = describeFailure(new TypeError("x is undefined"), false);
  assert.equal(
    bug,
    "exfit: internal error: TypeError: x is undefined (run with --debug for the traceback)",
  );
  const traced = describeFailure(new TypeError("x is undefined"), true);
  assert.match(traced, /^exfit: internal error: TypeError: x is undefined\nTypeError: .*\n\s+at /);
});

async function exfit(args: string[], cwd: string) {
  return await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO}src/cli/main.ts`, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
}

refdataTest("a user error prints one line; --debug (anywhere) adds the traceback", async (r) => {
  const dir = `${r}/fit/CPMG_15N_IP`;
  const tmp = Deno.makeTempDirSync({ prefix: "exfit_fail_" });
  try {
    Deno.writeTextFileSync(`${tmp}/m.toml`, 'FORMAT_VERSION = 2\n[S]\nFIT = ["PB"]\n');
    const base = ["-e", "Experiments/500mhz.toml", "-p", "Parameters/parameters.toml"];
    const plain = await exfit(["fit", ...base, "-m", `${tmp}/m.toml`, "-o", `${tmp}/o`], dir);
    const err = new TextDecoder().decode(plain.stderr).trim().split("\n");
    assert.equal(plain.code, 1);
    assert.equal(err.length, 1, err.join("\n"));
    assert.match(err[0], /^exfit: error: .*m\.toml:3:1: Unsupported v2 field FIT/);
    for (const args of [["--debug", "fit"], ["fit", "--debug"]]) {
      const res = await exfit([...args, ...base, "-m", `${tmp}/m.toml`, "-o", `${tmp}/o`], dir);
      const text = new TextDecoder().decode(res.stderr);
      assert.equal(res.code, 1);
      assert.match(text, /Unsupported v2 field FIT[^\n]*\n.*\n?\s+at /);
    }
    assert.throws(() => Deno.statSync(`${tmp}/o`), "nothing written");
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

refdataTest("Ctrl-C exits 130 and leaves only complete steps", async (r) => {
  if (Deno.build.os === "windows") return;
  const dir = `${r}/fit/CPMG_15N_IP`;
  const tmp = Deno.makeTempDirSync({ prefix: "exfit_int_" });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      // 50 basin starts per group make STEP2 last seconds, so the signal always lands inside
      // it (without them the whole fit could end before SIGINT arrived on a loaded machine).
      args: cpmg15nIpFitArgs(`${tmp}/Output`, ["--workers", "0", "--multistart", "50"]),
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Wait until the first step is reported, then interrupt.
    const reader = child.stdout.getReader();
    let seen = "";
    while (!seen.includes("STEP1:")) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    // Land the signal well inside STEP2's synchronous work, after STEP1's writes have
    // settled: the in-process executor must still give the event loop a turn to see it.
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    reader.releaseLock();
    const status = await child.output();
    const stderr = new TextDecoder().decode(status.stderr);
    assert.ok(!seen.includes("STEP2:"), "the signal must land inside STEP2");
    assert.equal(status.code, 130, stderr);
    assert.match(stderr, /interrupted \(Ctrl-C\)/);
    // Whatever exists is complete: STEP1 fully written, STEP2 absent or complete.
    assert.ok(Deno.statSync(`${tmp}/Output/STEP1/statistics.toml`).isFile);
    try {
      Deno.statSync(`${tmp}/Output/STEP2`);
      assert.ok(Deno.statSync(`${tmp}/Output/STEP2/statistics.toml`).isFile);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const hidden = [...Deno.readDirSync(tmp)].filter((e) => e.name.startsWith("."));
    assert.deepEqual(hidden, [], "no staging folder left");
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
