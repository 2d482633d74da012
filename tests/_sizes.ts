/**
 * The size rules of docs/architecture.md, for tests/architecture_test.ts: no function over
 * {@link MAX_FUNCTION_LINES} lines, and no file over {@link MAX_FILE_LINES} lines unless its
 * opening comment says why it is kept in one file.
 *
 * Functions are found by Deno's own linter (`Deno.lint.runPlugin`, available under `deno test`),
 * so strings, regular expressions and comments never confuse the count. A function's length runs
 * from its first line to its last, nested functions included: a 400-line closure counts as 400
 * lines however many small functions it holds.
 *
 * @module
 */

/** Longest function allowed, in lines. */
export const MAX_FUNCTION_LINES = 150;
/** Longest file allowed without an opening note, in lines. */
export const MAX_FILE_LINES = 600;
/**
 * What the opening comment of a longer file says: "Kept in one file …" followed by the reason
 * (e.g. src/nmr/eig.ts).
 */
export const KEPT_WHOLE = /Kept in one file\b/;

/** A function over the limit: `file:line name (N lines)`. */
export interface LongFunction {
  file: string;
  line: number;
  /** The function's name, or the name it is assigned to; `(anonymous)` otherwise. */
  name: string;
  lines: number;
}

/** The name a function node is known by: its own, its method's or its variable's. */
function nameOf(node: Deno.lint.Node): string {
  const n = node as unknown as {
    id?: { name?: string } | null;
    parent?: { type: string; key?: { name?: string }; id?: { name?: string } };
  };
  if (n.id?.name) return n.id.name;
  const parent = n.parent;
  if (parent?.type === "MethodDefinition" || parent?.type === "Property") {
    return parent.key?.name ?? "(anonymous)";
  }
  if (parent?.type === "VariableDeclarator") return parent.id?.name ?? "(anonymous)";
  return "(anonymous)";
}

/** A lint plugin that reports every function longer than `max` lines, its name in the message. */
function lengthPlugin(max: number): Deno.lint.Plugin {
  return {
    name: "exfit-sizes",
    rules: {
      "function-length": {
        create(ctx) {
          const check = (node: Deno.lint.Node) => {
            const [a, b] = node.range;
            const text = ctx.sourceCode.text;
            const lines = text.slice(a, b).split("\n").length;
            if (lines > max) ctx.report({ node, message: `${lines}\t${nameOf(node)}` });
          };
          return {
            FunctionDeclaration: check,
            FunctionExpression: check,
            ArrowFunctionExpression: check,
          };
        },
      },
    },
  };
}

/**
 * Every function of one source text longer than `max` lines (outermost and nested alike).
 *
 * @example
 * ```ts
 * longFunctions("a.ts", "function f() {\n  return 1;\n}\n", 2);
 * // [{ file: "a.ts", line: 1, name: "f", lines: 3 }]
 * ```
 */
export function longFunctions(
  file: string,
  text: string,
  max = MAX_FUNCTION_LINES,
): LongFunction[] {
  return Deno.lint.runPlugin(lengthPlugin(max), file, text).map((d) => {
    const [lines, name] = d.message.split("\t");
    const line = text.slice(0, d.range[0]).split("\n").length;
    return { file, line, name, lines: Number(lines) };
  });
}

/**
 * Whether a source text breaks the file rule: more than `max` lines and no "Kept in one file"
 * in its opening comment (the comment block before the first statement).
 *
 * @example
 * ```ts
 * fileTooLong("x;\n".repeat(700)); // true: no opening note
 * ```
 */
export function fileTooLong(text: string, max = MAX_FILE_LINES): boolean {
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (lines <= max) return false;
  const opening = /^\s*(\/\*[\s\S]*?\*\/)/.exec(text);
  return !(opening && KEPT_WHOLE.test(opening[1]));
}
