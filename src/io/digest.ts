/**
 * SHA-256 as lowercase hex, of bytes or of a text's UTF-8: what names run inputs, studies,
 * work results and code caches.
 *
 * @module
 */

/**
 * SHA-256 of bytes, or of a text's UTF-8 encoding, as 64 lowercase hex digits.
 *
 * @example
 * ```ts
 * await sha256Hex("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
