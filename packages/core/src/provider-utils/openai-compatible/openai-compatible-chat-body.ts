import type { LanguageModelV1CallOptions, LanguageModelV1CallWarning } from '../../language-model/v1/index.ts';
import type { OpenAICompatibleMessage } from './convert-to-openai-compatible-messages.ts';

/** How a provider's Chat Completions dialect takes call settings, response formats and tools. */
export interface OpenAICompatibleChatBodyOptions {
  modelId: string;
  /** Provider name for warnings, e.g. `OpenAI`. */
  providerName: string;
  /** Role of the JSON instruction message when one is added (`developer` for OpenAI reasoning models). */
  systemRole: 'system' | 'developer';
  /** When set, temperature, topP and the penalties are not sent but warned about with this text. */
  samplingUnsupported: string | undefined;
  /** `max_completion_tokens` (OpenAI, Groq) or `max_tokens` (most compatible servers). */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Whether `response_format: json_schema` is supported; otherwise `json_object` plus an instruction in the prompt. */
  structuredOutputs: boolean;
  /** `strict` of `json_schema`. */
  strictJsonSchema: boolean;
  /** Whether function definitions are sent with `strict: true`. */
  strictTools: boolean;
}

const sampling: Array<[keyof LanguageModelV1CallOptions, string]> = [
  ['temperature', 'temperature'],
  ['topP', 'top_p'],
  ['presencePenalty', 'presence_penalty'],
  ['frequencyPenalty', 'frequency_penalty'],
];

/**
 * The Chat Completions request body of a call (model, messages, settings, `response_format`, tools); settings the
 * dialect cannot take are pushed to `warnings`. A JSON instruction is added to the first system message, or as a
 * new one, when `json_schema` cannot be used; `messages` is changed in place then.
 */
export function buildOpenAICompatibleChatBody(
  options: LanguageModelV1CallOptions,
  messages: OpenAICompatibleMessage[],
  dialect: OpenAICompatibleChatBodyOptions,
  warnings: LanguageModelV1CallWarning[],
): Record<string, unknown> {
  const body: Record<string, unknown> = { model: dialect.modelId, messages };
  if (options.topK !== undefined) warnings.push({ type: 'unsupported-setting', setting: 'topK', details: `${dialect.providerName} chat has no top-k sampling` });
  for (const [setting, field] of sampling) {
    const value = options[setting];
    if (value === undefined) continue;
    if (dialect.samplingUnsupported !== undefined) warnings.push({ type: 'unsupported-setting', setting, details: dialect.samplingUnsupported });
    else body[field] = value;
  }
  if (options.maxOutputTokens !== undefined) body[dialect.maxTokensField] = options.maxOutputTokens;
  if (options.stopSequences !== undefined && options.stopSequences.length > 0) body.stop = options.stopSequences;
  if (options.seed !== undefined) body.seed = options.seed;

  const format = options.responseFormat;
  if (format?.type === 'json') {
    if (format.schema !== undefined && dialect.structuredOutputs) {
      body.response_format = {
        type: 'json_schema',
        json_schema: {
          name: format.name ?? 'response',
          ...(format.description === undefined ? {} : { description: format.description }),
          schema: format.schema,
          strict: dialect.strictJsonSchema,
        },
      };
    } else {
      body.response_format = { type: 'json_object' };
      const instruction =
        format.schema === undefined
          ? 'Answer with a single JSON object only.'
          : `Answer with a single JSON object only, matching this JSON Schema: ${JSON.stringify(format.schema)}`;
      const first = messages[0];
      if (first && (first.role === 'system' || first.role === 'developer') && typeof first.content === 'string') {
        messages[0] = { ...first, content: `${first.content}\n\n${instruction}` };
      } else {
        messages.unshift({ role: dialect.systemRole, content: instruction });
      }
    }
  }

  if (options.tools !== undefined && options.tools.length > 0) {
    body.tools = options.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.inputSchema,
        ...(dialect.strictTools ? { strict: true } : {}),
      },
    }));
    const choice = options.toolChoice;
    if (choice !== undefined) body.tool_choice = choice.type === 'tool' ? { type: 'function', function: { name: choice.toolName } } : choice.type;
  } else if (options.toolChoice !== undefined && options.toolChoice.type !== 'auto' && options.toolChoice.type !== 'none') {
    warnings.push({ type: 'unsupported-setting', setting: 'toolChoice', details: 'ignored because no tools were given' });
  }
  return body;
}
