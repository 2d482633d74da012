/**
 * Arithmetic expressions over named references, used both for the kinetic models' built-in
 * definitions (`"{kex_ab} * {pb}"`) and for users' CONSTRAINTS (`"[R2_B] = 0.5 * [R2_A]"`).
 *
 * Parsing is delegated to `jsep`; evaluation is our own whitelist interpreter compiled into
 * closures, so user text can never reach `eval` and anything outside the language (identifiers
 * that are not references, member access, unknown functions) is rejected with a clear message.
 *
 * @module
 */
import jsep from "jsep";
import { MODEL_FUNCTIONS } from "./functions.ts";

// jsep has no exponent operator by default; ChemEx constraints accept Python's `**`.
if (!jsep.binary_ops["**"]) jsep.addBinaryOp("**", 11, true);

/** Thrown for text outside the expression language. */
export class ExpressionError extends Error {
  /**
   * @param text the expression
   * @param detail what is wrong
   * @param limit set when the text is over one of the {@link ExpressionLimits} (callers that
   * know where the limit comes from say how to raise it)
   */
  constructor(
    readonly text: string,
    detail: string,
    readonly limit?: keyof ExpressionLimits,
  ) {
    super(`invalid expression "${shorten(text)}": ${detail}`);
    this.name = "ExpressionError";
  }
}

const FUNCTIONS: Record<string, (...a: number[]) => number> = {
  exp: Math.exp,
  log: Math.log,
  ln: Math.log,
  log10: Math.log10,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  pow: Math.pow,
  min: Math.min,
  max: Math.max,
};

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, inf: Infinity };

type Evaluator = (v: ArrayLike<number>) => number;

/** A compiled expression: references in order of first appearance, and an evaluator over them. */
export interface CompiledExpression {
  readonly text: string;
  /** Reference texts (what stood inside `{}` or `[]`), each listed once. */
  readonly refs: readonly string[];
  /** Value for the given reference values (same order as `refs`). */
  evaluate(values: ArrayLike<number>): number;
  /** The text with every reference replaced by `[label]`, as ChemEx prints definitions. */
  render(labels: readonly string[]): string;
}

/**
 * A fresh global pattern for `[selector]` references. A selector may itself contain the
 * bracketed condition keys `[P]->…` and `[L]->…` (parameter ids of binding models do), so one
 * level of nested brackets belongs to the reference.
 *
 * @example
 * ```ts
 * [..."[KON] * [L_FREE, [P]->1.000E-03M]".matchAll(bracketReferences())].map((m) => m[1]);
 * // ["KON", "L_FREE, [P]->1.000E-03M"]
 * ```
 */
export function bracketReferences(): RegExp {
  return /\[((?:[^[\]]|\[[^[\]]*\])+)\]/g;
}

/**
 * Compile an expression whose references are written `{name}` (style "braces") or
 * `[selector]` (style "brackets").
 *
 * @example
 * ```ts
 * const e = compileExpression("{kex_ab} * {pb}", "braces");
 * e.refs; // ["kex_ab", "pb"]
 * e.evaluate([200, 0.05]); // 10
 * ```
 */
export function compileExpression(
  text: string,
  style: "braces" | "brackets",
  limits: ExpressionLimits = EXPRESSION_LIMITS,
): CompiledExpression {
  checkSize(text, limits);
  const refs: string[] = [];
  const pattern = style === "braces" ? /\{([^{}]+)\}/g : bracketReferences();
  const pieces: string[] = [];
  let last = 0;
  const substituted = text.replace(pattern, (_m, inner: string) => {
    const key = inner.trim();
    let k = refs.indexOf(key);
    if (k < 0) {
      k = refs.length;
      refs.push(key);
    }
    return ` __ref${k} `;
  });
  text.replace(pattern, (m, inner: string, offset: number) => {
    pieces.push(text.slice(last, offset));
    pieces.push(`\u0000${refs.indexOf(inner.trim())}`);
    last = offset + m.length;
    return m;
  });
  pieces.push(text.slice(last));
  if (style === "brackets" && /[[\]]/.test(substituted)) {
    throw new ExpressionError(text, "unbalanced brackets");
  }
  let ast: jsep.Expression;
  try {
    ast = jsep(substituted);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new ExpressionError(text, "too deeply nested to parse");
    }
    throw new ExpressionError(text, (e as Error).message.replace(/__ref\d+/g, "reference"));
  }
  if (astDepth(ast) > limits.depth) {
    throw new ExpressionError(
      shorten(text),
      `nested more than ${limits.depth} levels deep (operators, parentheses and calls); ` +
        "split it into several constraints",
      "depth",
    );
  }
  let evaluator: Evaluator;
  try {
    evaluator = build(ast, text, refs.length);
  } catch (e) {
    // Limits raised far beyond the defaults can reach the call stack here instead.
    if (e instanceof RangeError) throw new ExpressionError(text, "too deeply nested to compile");
    throw e;
  }
  return {
    text,
    refs,
    evaluate: evaluator,
    render(labels: readonly string[]): string {
      return pieces.map((p) => p.startsWith("\u0000") ? `[${labels[Number(p.slice(1))]}]` : p)
        .join("");
    },
  };
}

/** Size limits of one expression (see {@link EXPRESSION_LIMITS}). */
export interface ExpressionLimits {
  /** Characters. */
  length: number;
  /** Depth of the syntax tree: nesting of parentheses, operators and calls. */
  depth: number;
}

/**
 * Default limits: far beyond any real constraint, well within what the recursive parser and
 * evaluator can take without exhausting the call stack. Users raise them with
 * `EXFIT_LIMIT_EXPRESSION_LENGTH` / `EXFIT_LIMIT_EXPRESSION_DEPTH` (read by `src/config/limits.ts`
 * and passed in here as plain data).
 */
export const EXPRESSION_LIMITS: ExpressionLimits = { length: 10_000, depth: 200 };

/**
 * The deepest nesting a user may allow: the parser, the compiler and the evaluation (which runs
 * deep inside the solver) recurse once or more per level, and about 2000 levels still leave
 * room on Deno's call stack.
 */
export const MAX_EXPRESSION_DEPTH = 2000;

/**
 * For text that was already checked where it entered (a constraint, a model's definition) and
 * has since had its references expanded to full parameter ids (so it is longer than what the
 * user wrote): only the stack bounds it.
 */
export const STORED_EXPRESSION_LIMITS: ExpressionLimits = {
  length: Infinity,
  depth: MAX_EXPRESSION_DEPTH,
};

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** Reject over-long text and over-deep bracketing before the recursive parser sees it. */
function checkSize(text: string, limits: ExpressionLimits): void {
  if (text.length > limits.length) {
    throw new ExpressionError(
      shorten(text),
      `${text.length} characters long; at most ${limits.length} are allowed`,
      "length",
    );
  }
  // Parentheses and runs of unary signs both recurse in the parser: bound them first.
  let depth = 0;
  let signs = 0;
  for (const c of text) {
    if (c === "(") depth++;
    else if (c === ")") depth--;
    if (c === "-" || c === "+") signs++;
    else if (c !== " " && c !== "\t") signs = 0;
    if (depth > limits.depth || signs > limits.depth) {
      throw new ExpressionError(
        shorten(text),
        `nested more than ${limits.depth} levels deep; split it into several constraints`,
        "depth",
      );
    }
  }
}

/** Depth of a syntax tree, walked without recursion. */
function astDepth(root: jsep.Expression): number {
  let max = 0;
  const stack: [jsep.Expression, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    if (d > max) max = d;
    for (const child of children(node)) stack.push([child, d + 1]);
  }
  return max;
}

function children(node: jsep.Expression): jsep.Expression[] {
  switch (node.type) {
    case "UnaryExpression":
      return [(node as jsep.UnaryExpression).argument];
    case "BinaryExpression": {
      const b = node as jsep.BinaryExpression;
      return [b.left, b.right];
    }
    case "CallExpression": {
      const c = node as jsep.CallExpression;
      return [c.callee, ...c.arguments];
    }
    case "MemberExpression": {
      const m = node as jsep.MemberExpression;
      return [m.object, m.property];
    }
    case "Compound":
      return (node as jsep.Compound).body;
    case "ArrayExpression":
      return (node as jsep.ArrayExpression).elements.filter((e): e is jsep.Expression => !!e);
    default:
      return [];
  }
}

function build(node: jsep.Expression, text: string, nrefs: number): Evaluator {
  switch (node.type) {
    case "Literal": {
      const v = (node as jsep.Literal).value;
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new ExpressionError(text, `only finite numbers are allowed, not ${String(v)}`);
      }
      return () => v;
    }
    case "Identifier": {
      const name = (node as jsep.Identifier).name;
      const m = /^__ref(\d+)$/.exec(name);
      if (m) {
        const k = Number(m[1]);
        if (k >= nrefs) throw new ExpressionError(text, "bad reference");
        return (v) => v[k];
      }
      if (name.toLowerCase() in CONSTANTS) {
        const c = CONSTANTS[name.toLowerCase()];
        return () => c;
      }
      throw new ExpressionError(
        text,
        `"${name}" is not a parameter reference (write parameters in brackets, e.g. [PB])`,
      );
    }
    case "UnaryExpression": {
      const u = node as jsep.UnaryExpression;
      const arg = build(u.argument, text, nrefs);
      if (u.operator === "-") return (v) => -arg(v);
      if (u.operator === "+") return arg;
      throw new ExpressionError(text, `operator "${u.operator}" is not allowed`);
    }
    case "BinaryExpression": {
      const b = node as jsep.BinaryExpression;
      const l = build(b.left, text, nrefs);
      const r = build(b.right, text, nrefs);
      switch (b.operator) {
        case "+":
          return (v) => l(v) + r(v);
        case "-":
          return (v) => l(v) - r(v);
        case "*":
          return (v) => l(v) * r(v);
        case "/":
          return (v) => l(v) / r(v);
        case "**":
          return (v) => l(v) ** r(v);
      }
      throw new ExpressionError(text, `operator "${b.operator}" is not allowed`);
    }
    case "CallExpression": {
      const c = node as jsep.CallExpression;
      if (c.callee.type !== "Identifier") {
        throw new ExpressionError(text, "only calls of named functions are allowed");
      }
      const fname = (c.callee as jsep.Identifier).name;
      // Kinetic-model helpers (binding, populations, Eyring, model-free) come after the math.
      // Own keys only: "constructor" or "toString" must not reach Object.prototype.
      const key = fname.toLowerCase();
      const f = Object.hasOwn(FUNCTIONS, key)
        ? FUNCTIONS[key]
        : Object.hasOwn(MODEL_FUNCTIONS, key)
        ? MODEL_FUNCTIONS[key]
        : undefined;
      if (!f) {
        throw new ExpressionError(
          text,
          `unknown function "${fname}" (known: ${
            Object.keys(FUNCTIONS).join(", ")
          }, and the kinetic-model functions of src/params/functions.ts)`,
        );
      }
      const args = c.arguments.map((a) => build(a, text, nrefs));
      if (args.length === 1) {
        const a0 = args[0];
        return (v) => f(a0(v));
      }
      return (v) => f(...args.map((a) => a(v)));
    }
    case "MemberExpression":
      throw new ExpressionError(text, "property access is not allowed");
    default:
      throw new ExpressionError(text, `${node.type} is not allowed`);
  }
}
