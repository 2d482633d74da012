/**
 * The WebAssembly text of exfit's SIMD kernel (`src/nmr/_simd.ts`): the dense n×n matrix product,
 * which with the matrix–vector products takes most of a CPMG evaluation of a 12×12 Liouvillian
 * (the methyl experiments). Written out by a generator because the register blocks (4, 2 or 1
 * rows against 4, 2 or 1 columns) are the same loop unrolled.
 *
 * Every element is summed over the inner index in order, from 0, with a separate multiply and add
 * (no fused multiply–add): the SIMD lanes hold different output elements, never two halves of one
 * sum, so the results are bit for bit those of the JavaScript kernel in `expm.ts`.
 * `deno task wasm` assembles this text into `_simd_wasm.ts`; tests/simd_kernels_test.ts checks that
 * the two agree and that the kernel matches the JavaScript one.
 *
 * @example
 * ```ts
 * import { simdKernelsWat } from "./simd_wat.ts";
 * simdKernelsWat().startsWith("(module"); // true
 * ```
 *
 * @module
 */

/** Pages (64 KiB) of the kernels' scratch memory, fixed: 16 384 doubles, three 73×73 matrices. */
export const SIMD_MEMORY_PAGES = 2;

const get = (name: string) => `(local.get $${name})`;
const i32 = (v: number) => `(i32.const ${v})`;
const add = (a: string, b: string) => `(i32.add ${a} ${b})`;
const mul = (a: string, b: string) => `(i32.mul ${a} ${b})`;
const shl3 = (a: string) => `(i32.shl ${a} ${i32(3)})`;

/**
 * out[i..i+R, j..j+C] = a[i..i+R, :]·b[:, j..j+C]: R rows of `a` splatted against C columns of `b`
 * (two per v128; C = 1 is scalar).
 */
function matmulBlock(rows: number, cols: number): string {
  const vec = cols >= 2;
  const lanes = vec ? cols / 2 : 1;
  const type = vec ? "v128" : "f64";
  const locals: string[] = ["(local $nb i32) (local $pa i32) (local $pb i32) (local $k i32)"];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < lanes; c++) locals.push(`(local $s${r}_${c} ${type})`);
    locals.push(`(local $a${r} ${type})`);
  }
  const body: string[] = [
    `(local.set $nb ${shl3(get("n"))})`,
    `(local.set $pa ${add(get("a"), mul(get("i"), get("nb")))})`,
    `(local.set $pb ${add(get("b"), shl3(get("j")))})`,
    `(local.set $k ${get("n")})`,
    "(loop $k",
  ];
  for (let r = 0; r < rows; r++) {
    const load = `(f64.load ${r === 0 ? get("pa") : add(get("pa"), mul(i32(r), get("nb")))})`;
    body.push(`  (local.set $a${r} ${vec ? `(f64x2.splat ${load})` : load})`);
  }
  for (let c = 0; c < lanes; c++) {
    for (let r = 0; r < rows; r++) {
      const s = `$s${r}_${c}`;
      body.push(
        vec
          ? `  (local.set ${s} (f64x2.add (local.get ${s}) (f64x2.mul ${
            get(`a${r}`)
          } (v128.load offset=${16 * c} ${get("pb")}))))`
          : `  (local.set ${s} (f64.add (local.get ${s}) (f64.mul ${get(`a${r}`)} (f64.load ${
            get("pb")
          }))))`,
      );
    }
  }
  body.push(
    `  (local.set $pa ${add(get("pa"), i32(8))})`,
    `  (local.set $pb ${add(get("pb"), get("nb"))})`,
    `  (br_if $k (local.tee $k (i32.sub ${get("k")} ${i32(1)}))))`,
    `(local.set $pa ${add(get("o"), add(mul(get("i"), get("nb")), shl3(get("j"))))})`,
  );
  for (let r = 0; r < rows; r++) {
    const at = r === 0 ? get("pa") : add(get("pa"), mul(i32(r), get("nb")));
    for (let c = 0; c < lanes; c++) {
      body.push(
        vec
          ? `(v128.store offset=${16 * c} ${at} ${get(`s${r}_${c}`)})`
          : `(f64.store ${at} ${get(`s${r}_0`)})`,
      );
    }
  }
  return `(func $mm${rows}x${cols} (param $o i32) (param $a i32) (param $b i32) (param $n i32) ` +
    `(param $i i32) (param $j i32)\n  ${locals.join(" ")}\n  ${body.join("\n  ")})`;
}

/** The columns of one band of `rows` rows at row $i: blocks of 4, then 2, then 1. */
function matmulBand(rows: number): string {
  const call = (cols: number) =>
    `(call $mm${rows}x${cols} ${get("o")} ${get("a")} ${get("b")} ${get("n")} ${get("i")} ${
      get("j")
    })`;
  return `(local.set $j ${i32(0)})
    (block $jb${rows} (loop $jl${rows}
      (br_if $jb${rows} (i32.gt_s ${add(get("j"), i32(4))} ${get("n")}))
      ${call(4)}
      (local.set $j ${add(get("j"), i32(4))})
      (br $jl${rows})))
    (if (i32.le_s ${add(get("j"), i32(2))} ${get("n")}) (then
      ${call(2)}
      (local.set $j ${add(get("j"), i32(2))})))
    (if (i32.lt_s ${get("j")} ${get("n")}) (then ${call(1)}))`;
}

/** Rows in bands of `rows` while they last, starting at $i. */
function bands(rows: number, band: string): string {
  return `(block $ib${rows} (loop $il${rows}
    (br_if $ib${rows} (i32.gt_s ${add(get("i"), i32(rows))} ${get("n")}))
    ${band}
    (local.set $i ${add(get("i"), i32(rows))})
    (br $il${rows})))`;
}

/**
 * The module: `matmul(o, a, b, n)` (out = a·b, n×n row-major, operands at byte offsets of the
 * exported memory of {@link SIMD_MEMORY_PAGES} pages).
 */
export function simdKernelsWat(): string {
  const funcs: string[] = [];
  for (const rows of [4, 2, 1]) for (const cols of [4, 2, 1]) funcs.push(matmulBlock(rows, cols));
  return `(module
(memory (export "memory") ${SIMD_MEMORY_PAGES} ${SIMD_MEMORY_PAGES})
${funcs.join("\n")}
(func (export "matmul") (param $o i32) (param $a i32) (param $b i32) (param $n i32)
  (local $i i32) (local $j i32)
  (local.set $i ${i32(0)})
  ${bands(4, matmulBand(4))}
  ${bands(2, matmulBand(2))}
  ${bands(1, matmulBand(1))}))`;
}
