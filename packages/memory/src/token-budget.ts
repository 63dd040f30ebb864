import type { ModelMessage } from '@mastra-ts/core';
import type { Tokenizer } from './memory-types.ts';

/** A fast estimate: about four characters per token, rounded up. */
export const estimateTokenizer: Tokenizer = {
  count: (text: string): number => Math.ceil(text.length / 4),
};

const messageOverhead = 4;

/** Tokens of one message: its role overhead plus its text, tool inputs and outputs as JSON. */
export function countMessageTokens(message: ModelMessage, tokenizer: Tokenizer): number {
  if (typeof message.content === 'string') return messageOverhead + tokenizer.count(message.content);
  let total = messageOverhead;
  for (const part of message.content as Array<{ type: string; [key: string]: unknown }>) {
    if (part.type === 'text' || part.type === 'reasoning') total += tokenizer.count(String(part['text']));
    else if (part.type === 'tool-call') total += tokenizer.count(`${String(part['toolName'])}${JSON.stringify(part['input']) ?? ''}`);
    else if (part.type === 'tool-result') total += tokenizer.count(`${String(part['toolName'])}${JSON.stringify(part['output']) ?? ''}`);
    else total += 256;
  }
  return total;
}

/** Tokens of a system text. */
export function countTextTokens(text: string, tokenizer: Tokenizer): number {
  return messageOverhead + tokenizer.count(text);
}

/**
 * Drops candidates, in the order given, until `fixed` plus what is left fits in `maxTokens`.
 * Returns the indexes dropped. Fixed content is never dropped, so an oversized input still overflows.
 */
export function trimToBudget(candidates: ReadonlyArray<{ tokens: number }>, fixed: number, maxTokens: number): Set<number> {
  let total = fixed;
  for (const candidate of candidates) total += candidate.tokens;
  const dropped = new Set<number>();
  for (let index = 0; index < candidates.length && total > maxTokens; index++) {
    total -= candidates[index]!.tokens;
    dropped.add(index);
  }
  return dropped;
}
