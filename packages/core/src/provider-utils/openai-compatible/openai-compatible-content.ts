import type { LanguageModelV1Content } from '../../language-model/v1/index.ts';
import { generateId } from '../../utils/generate-id.ts';

/** The `message` of a completion's choice (only the fields read here). */
export interface OpenAICompatibleResponseMessage {
  content?: string | null;
  tool_calls?: ReadonlyArray<{ id?: string; type?: string; function?: { name: string; arguments?: string } }> | null;
}

/** Content parts of a completion's message, in order: reasoning (from `reasoningField`), text, function calls (other tool call types are skipped). */
export function mapOpenAICompatibleContent(message: OpenAICompatibleResponseMessage, reasoningField: string | undefined): LanguageModelV1Content[] {
  const content: LanguageModelV1Content[] = [];
  const reasoning = reasoningField === undefined ? undefined : (message as Record<string, unknown>)[reasoningField];
  if (typeof reasoning === 'string' && reasoning.length > 0) content.push({ type: 'reasoning', text: reasoning });
  if (typeof message.content === 'string' && message.content.length > 0) content.push({ type: 'text', text: message.content });
  for (const call of message.tool_calls ?? []) {
    if (call.function === undefined || (call.type !== undefined && call.type !== 'function')) continue;
    content.push({ type: 'tool-call', toolCallId: call.id ?? generateId(), toolName: call.function.name, input: call.function.arguments ?? '' });
  }
  return content;
}
