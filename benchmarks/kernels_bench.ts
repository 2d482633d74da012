/**
 * Why exfit has its own small dense kernels: one matrix product and one matrix exponential of
 * Liouvillian-sized matrices with `ml-matrix` against the flat Float64Array kernels of
 * `src/nmr/expm.ts` / `src/nmr/eig.ts`, the product also as the WebAssembly SIMD kernel it uses
 * from n = 7 (`src/nmr/_simd.ts`). Prints medians of repeated batches and the ratios.
 *
 * @module
 */
import { EigenvalueDecomposition, inverse, Matrix } from "ml-matrix";
import { createExpmWorkspace, expm, matmul, matmulJs } from "../src/nmr/expm.ts";
import { createEigWorkspace, eigDecompose, expFromEig } from "../src/nmr/eig.ts";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Median time per call in µs over `reps` batches of `n` calls. */
function time(f: () => void, n: number, reps = 9): number {
  for (let i = 0; i < n; i++) f();
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    out.push((performance.now() - t0) / n * 1000);
  }
  return median(out);
}

/** A Liouvillian-like matrix: damping on the diagonal, rotations and exchange off it. */
function liouvillian(size: number): Float64Array {
  const a = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    a[i * size + i] = -5 - (i % 3);
    if (i + 1 < size) {
      a[i * size + i + 1] = -800 * Math.sin(i + 1);
      a[(i + 1) * size + i] = 800 * Math.sin(i + 1);
    }
    a[i * size + ((i + 3) % size)] += 20;
  }
  return a;
}

console.log(
  "size  matmul: ml-matrix / exfit JS / exfit SIMD (µs, ml-matrix÷exfit)   exp(L·t): ml-matrix EVD / exfit Padé / exfit eigen-route per delay (µs)",
);
for (const size of [6, 7, 12, 18, 30]) {
  const a = liouvillian(size);
  const b = liouvillian(size).reverse();
  const out = new Float64Array(size * size);
  const ma = new Matrix(
    Array.from({ length: size }, (_, i) => Array.from(a.subarray(i * size, i * size + size))),
  );
  const mb = new Matrix(
    Array.from({ length: size }, (_, i) => Array.from(b.subarray(i * size, i * size + size))),
  );
  const reps = Math.max(200, Math.round(2e6 / size ** 3));
  const tMl = time(() => ma.mmul(mb), reps);
  const tJs = time(() => matmulJs(out, a, b, size), reps);
  // The dispatching product: the WebAssembly SIMD kernel from n = 7 (src/nmr/_simd.ts).
  const tOurs = time(() => matmul(out, a, b, size), reps);
  const ws = createExpmWorkspace(size);
  const ews = createEigWorkspace(size);
  const tPade = time(() => expm(out, a, 0.01, ws), Math.max(50, reps >> 3));
  const tEvd = time(() => {
    const e = new EigenvalueDecomposition(ma, { assumeSymmetric: false });
    inverse(e.eigenvectorMatrix);
  }, Math.max(20, reps >> 4));
  eigDecompose(a, ews);
  const tEig = time(() => expFromEig(out, 0.01, ews), reps);
  console.log(
    `${String(size).padStart(4)}  ${tMl.toFixed(2)} / ${tJs.toFixed(2)} / ${tOurs.toFixed(2)} (${
      (tMl / tOurs).toFixed(1)
    }x)` +
      `        ${tEvd.toFixed(1)} / ${tPade.toFixed(1)} / ${tEig.toFixed(2)}`,
  );
}
