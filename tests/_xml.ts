/**
 * A strict check that a document is well-formed XML as exfit writes it (elements with quoted
 * attributes, escaped text, one root), for the figure tests: Deno has no XML parser built in.
 *
 * @module
 */

const TOKEN =
  /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|#\d+);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/y;

/**
 * Throws naming the offset of the first problem; returns the element names in document order.
 *
 * @example
 * ```ts
 * checkXml('<svg><g/></svg>'); // ["svg", "g"]
 * ```
 */
export function checkXml(text: string): string[] {
  const body = text.replace(/^<\?xml[^>]*\?>\s*/, "");
  const stack: string[] = [];
  const names: string[] = [];
  let roots = 0;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < body.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(body);
    if (!m) throw new Error(`not well-formed at ${at}: ${body.slice(at, at + 60)}`);
    const [, close, name, , selfClose, chars] = m;
    if (chars !== undefined) {
      if (stack.length === 0 && chars.trim()) throw new Error(`text outside the root at ${at}`);
      if (/&(?!(?:amp|lt|gt|quot|#\d+);)/.test(chars)) throw new Error(`bare & at ${at}`);
      continue;
    }
    if (close) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes nothing open at ${at}`);
      continue;
    }
    names.push(name);
    if (stack.length === 0) roots++;
    if (!selfClose) stack.push(name);
  }
  if (stack.length) throw new Error(`unclosed <${stack.at(-1)}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return names;
}
