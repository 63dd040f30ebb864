/**
 * The FTS5 token of a search term: `t` and two 32-bit FNV-1a hashes of it in hex (64 bits, so two terms of one
 * store share a token with odds of about n² / 2⁶⁵). FTS5 then sees only lower-case ASCII letters and digits, which
 * its `unicode61` tokenizer keeps whole, whatever script or Unicode version the term comes from, and which are never
 * query syntax (`AND`, quotes, `*`).
 */
export function searchToken(term: string): string {
  let low = 0x811c9dc5;
  let high = 0x2f1b4a3d;
  for (let index = 0; index < term.length; index++) {
    const code = term.charCodeAt(index);
    low = Math.imul(low ^ code, 0x01000193);
    high = Math.imul(high ^ code, 0x01000193) ^ (low >>> 15);
  }
  return `t${(low >>> 0).toString(16).padStart(8, '0')}${(high >>> 0).toString(16).padStart(8, '0')}`;
}

/** 32-bit FNV-1a of a message's terms joined, to tell whether a re-saved message's words changed. */
export function termsHash(terms: readonly string[]): number {
  let hash = 0x811c9dc5;
  for (const term of terms) {
    for (let index = 0; index < term.length; index++) hash = Math.imul(hash ^ term.charCodeAt(index), 0x01000193);
    hash = Math.imul(hash ^ 0x20, 0x01000193);
  }
  return hash | 0;
}
