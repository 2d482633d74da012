import { strict as assert } from "node:assert";
import { formatTick, linearTicks, niceDomain, niceTicks, tickStep } from "../src/plot/ticks.ts";
import { allFinite, tenths } from "../src/plot/_num.ts";

Deno.test("tickStep: 1, 2 or 5 × 10^k nearest the raw step, as d3 picks it", () => {
  assert.equal(tickStep(0, 1000, 10), 100);
  assert.equal(tickStep(0, 1, 6), 0.2);
  assert.equal(tickStep(13.5, 17, 6), 0.5);
  assert.equal(tickStep(0, 2050, 10), 200);
  assert.equal(tickStep(0, 1e-6, 5), 2e-7);
  assert.equal(tickStep(3, 3, 5), 0);
  assert.equal(tickStep(0, NaN, 5), 0);
});

Deno.test("linearTicks: whole multiples of the step inside the span, printed without noise", () => {
  assert.deepEqual(linearTicks(0, 1000, 10), [
    0,
    100,
    200,
    300,
    400,
    500,
    600,
    700,
    800,
    900,
    1000,
  ]);
  assert.deepEqual(linearTicks(9.3, 10.4, 6), [9.4, 9.6, 9.8, 10, 10.2, 10.4]);
  assert.deepEqual(linearTicks(-0.35, 0.35, 6), [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
  // Reversed bounds give the same ascending ticks; an empty span one tick.
  assert.deepEqual(linearTicks(1, 0, 5), linearTicks(0, 1, 5));
  assert.deepEqual(linearTicks(2, 2, 5), [2]);
  assert.deepEqual(linearTicks(NaN, 1, 5), []);
});

Deno.test("niceDomain extends to whole steps; niceTicks keeps the report's rule", () => {
  assert.deepEqual(niceDomain(0.13, 9.7, 6), [0, 10]);
  assert.deepEqual(niceDomain(13.62, 16.31, 6), [13.5, 16.5]);
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
});

Deno.test("formatTick: the step's decimals, thousands separators, a true minus, never −0", () => {
  assert.equal(formatTick(1000, 200), "1,000");
  assert.equal(formatTick(1234567, 100000), "1,234,567");
  assert.equal(formatTick(-0.4, 0.2), "−0.4");
  assert.equal(formatTick(2.5, 0.5), "2.5");
  assert.equal(formatTick(3, 0.5), "3.0");
  assert.equal(formatTick(-1e-17, 0.1), "0.0");
  assert.equal(formatTick(2e-7, 2e-7), "0.0000002");
});

Deno.test("tenths prints like String(Math.round(v * 10) / 10), never -0; allFinite", () => {
  for (const v of [0, -0, 1, -1, 12.3456, -0.01, 3.1, -3.05, 0.05, -12.99, 1234567.891, 99.96]) {
    const want = String(Math.round(v * 10) / 10);
    assert.equal(tenths(v), want === "-0" ? "0" : want, String(v));
  }
  assert.equal(allFinite(1, 2, 3, 4), true);
  for (const bad of [NaN, Infinity, -Infinity]) assert.equal(allFinite(1, 2, bad), false);
});
