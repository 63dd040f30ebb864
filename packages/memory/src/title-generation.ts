import type { GenerateTitleOptions } from './memory-types.ts';

const defaultInstructions =
  'Write a short title (at most 8 words) for a conversation that starts with the user message below. Answer with the title only: no quotes, no trailing punctuation.';

/** Asks a model for a thread title from the first user message; returns undefined when it gives none. */
export async function generateThreadTitle(options: GenerateTitleOptions, firstMessage: string, abortSignal?: AbortSignal): Promise<string | undefined> {
  const result = await options.model.doGenerate({
    prompt: [
      { role: 'system', content: options.instructions ?? defaultInstructions },
      { role: 'user', content: [{ type: 'text', text: firstMessage.slice(0, 2000) }] },
    ],
    maxOutputTokens: 32,
    temperature: 0,
    ...(abortSignal ? { abortSignal } : {}),
  });
  const text = result.content
    .filter((part) => part.type === 'text')
    .map((part) => part.text)
    .join('')
    .trim()
    .replace(/^["'“”‘’`]+|["'“”‘’`.]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length === 0 ? undefined : text.slice(0, 100);
}
