import { strict as assert } from "node:assert";
import { createProgress } from "../src/cli/progress.ts";

function recorder(tty: boolean) {
  const out: string[] = [];
  let t = 0;
  const progress = createProgress({
    write: (s) => out.push(s),
    tty,
    now: () => t,
    interval: 1000,
    width: 10,
  });
  return { out, progress, advance: (ms: number) => t += ms };
}

Deno.test("plain periodic lines when stderr is not a terminal", () => {
  const { out, progress, advance } = recorder(false);
  const task = progress("grid", 100);
  for (let i = 0; i < 100; i++) {
    advance(100);
    task.tick();
  }
  task.done();
  task.done();
  // One line per elapsed second (interval), then the final one; no carriage returns.
  assert.equal(out.length, 10);
  assert.equal(out[0], "exfit: grid: 10/100 (10%) · 1.0 s · ETA 9.0 s\n");
  assert.equal(out.at(-1), "exfit: grid: 100/100 done in 10.0 s\n");
  assert.ok(out.every((l) => !l.includes("\r")));
});

Deno.test("a redrawn bar on a terminal", () => {
  const { out, progress, advance } = recorder(true);
  const task = progress("MC", 4);
  advance(2000);
  task.tick();
  advance(2000);
  task.tick(3);
  task.done();
  assert.ok(out.every((l) => l.startsWith("\r\x1b[2K")));
  assert.match(out[1], /MC █{3}░{7} 1\/4 · 2\.0 s · ETA 6\.0 s$/);
  assert.match(out.at(-1)!, /MC █{10} 4\/4 · 4\.0 s\n$/);
});
