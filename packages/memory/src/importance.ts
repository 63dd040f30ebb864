import type { ImportanceScorer, ScoredMessage } from './memory-types.ts';

const memorable =
  /\b(my name is|call me|i am|i'm|i live|i work|remember|don't forget|do not forget|important|always|never|prefer|favou?rite|allergic|birthday|anniversary|deadline|my (?:wife|husband|partner|son|daughter|kid|dog|cat|email|phone|address))\b/i;
const acknowledgement = /^\s*(ok(?:ay)?|k|thanks?(?: you)?|thx|cool|great|nice|yes|no|yep|nope|sure|got it|sounds good|lol|hi|hello|hey)[\s.!?]*$/i;
const concrete = /\d|@\w+\.\w+/;

/**
 * The default importance heuristic, from 0 to 1: personal facts, preferences and explicit requests to
 * remember score high; greetings and acknowledgements low; tool traffic below conversation.
 * A message's `metadata.importance` (a number) or `metadata.pinned: true` overrides it.
 */
export const defaultImportanceScorer: ImportanceScorer = (message: ScoredMessage): number => {
  const explicit = message.metadata?.['importance'];
  if (typeof explicit === 'number') return clamp(explicit);
  if (message.metadata?.['pinned'] === true) return 1;
  const base = { system: 0.5, user: 0.4, assistant: 0.3, tool: 0.2 }[message.role];
  if (acknowledgement.test(message.text)) return clamp(base - 0.3);
  let score = base;
  if (memorable.test(message.text)) score += 0.4;
  if (concrete.test(message.text)) score += 0.1;
  score += Math.min(0.1, message.text.length / 4000);
  return clamp(score);
};

function clamp(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}
