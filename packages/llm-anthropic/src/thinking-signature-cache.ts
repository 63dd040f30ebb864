const capacity = 512;
const signatures = new Map<string, string>();

/**
 * Remembers the signature of thinking text this process received, so that a reasoning part sent back
 * without its signature (core's Agent keeps only the text) can still be replayed as a signed thinking block.
 * Bounded: the oldest entries are evicted first.
 */
export function rememberThinkingSignature(thinking: string, signature: string): void {
  if (thinking.length === 0 || signature.length === 0) return;
  signatures.delete(thinking);
  signatures.set(thinking, signature);
  if (signatures.size > capacity) signatures.delete(signatures.keys().next().value!);
}

/** The signature received with this exact thinking text, if it is still remembered. */
export function recallThinkingSignature(thinking: string): string | undefined {
  return signatures.get(thinking);
}
