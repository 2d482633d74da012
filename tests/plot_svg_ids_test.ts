/**
 * SVG ids are numbered per document: the same figure gives the same text whatever the process
 * drew before (Vega's own counters live as long as the process).
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { renderVegaLiteSvg, renumberSvgIds } from "../src/plot/svg.ts";

/** A colour-scaled scatter: its legend is a gradient; `clip` on the mark adds a clip path. */
const SPEC = {
  width: 100,
  height: 80,
  data: { values: [{ x: 1, y: 2, c: 0.1 }, { x: 2, y: 3, c: 0.9 }, { x: 3, y: 1, c: 0.5 }] },
  mark: { type: "point", clip: true },
  encoding: {
    x: { field: "x", type: "quantitative" },
    y: { field: "y", type: "quantitative" },
    color: { field: "c", type: "quantitative" },
  },
};

Deno.test("renderVegaLiteSvg: the same figure is the same text, however many were drawn before", async () => {
  const first = await renderVegaLiteSvg(SPEC);
  // Vega's process-wide counters move on with every figure…
  for (let i = 0; i < 3; i++) await renderVegaLiteSvg(SPEC);
  const later = await renderVegaLiteSvg(SPEC);
  // …but each document numbers its own ids from the start.
  assert.equal(later, first);
  assert.match(first, /<linearGradient id="gradient_0"/);
  assert.match(first, /fill="url\(#gradient_0\)"/);
  assert.match(first, /<clipPath id="clip1"/);
  assert.doesNotMatch(first, /gradient_[1-9]|clip[02-9]/);
});

Deno.test("renderVegaLiteSvg: a prefix keeps inlined documents' ids apart", async () => {
  const a = await renderVegaLiteSvg(SPEC, { idPrefix: "s0-" });
  const b = await renderVegaLiteSvg(SPEC, { idPrefix: "s1-" });
  assert.match(a, /id="s0-gradient_0"/);
  assert.match(a, /url\(#s0-gradient_0\)/);
  assert.match(b, /id="s1-clip1"/);
  assert.doesNotMatch(b, /s0-/);
});

Deno.test("renumberSvgIds: first appearance order, definitions and references alike, radial prefix kept", () => {
  const svg =
    '<rect fill="url(#gradient_9)"/><rect fill="url(#p_gradient_4)" clip-path="url(#clip30)"/>' +
    '<defs><linearGradient id="gradient_9"/><pattern id="p_gradient_4"><rect fill="url(#gradient_4)"/>' +
    '</pattern><clipPath id="clip30"/></defs><text>gradient_9 clip30</text>';
  assert.equal(
    renumberSvgIds(svg),
    '<rect fill="url(#gradient_0)"/><rect fill="url(#p_gradient_1)" clip-path="url(#clip1)"/>' +
      '<defs><linearGradient id="gradient_0"/><pattern id="p_gradient_1"><rect fill="url(#gradient_1)"/>' +
      '</pattern><clipPath id="clip1"/></defs><text>gradient_9 clip30</text>',
  );
});
