import { describe, expect, it } from 'vitest';
import type { LanguageModelV1CallOptions, LanguageModelV1CallWarning } from '../../language-model/v1/index.ts';
import type { OpenAICompatibleMessage } from './convert-to-openai-compatible-messages.ts';
import { buildOpenAICompatibleChatBody, type OpenAICompatibleChatBodyOptions } from './openai-compatible-chat-body.ts';

const dialect: OpenAICompatibleChatBodyOptions = {
  modelId: 'm',
  providerName: 'Acme',
  systemRole: 'system',
  samplingUnsupported: undefined,
  maxTokensField: 'max_completion_tokens',
  structuredOutputs: true,
  strictJsonSchema: true,
  strictTools: false,
};
const schema = { type: 'object', properties: { a: { type: 'string' } } };

function build(options: Partial<LanguageModelV1CallOptions>, overrides: Partial<OpenAICompatibleChatBodyOptions> = {}, messages: OpenAICompatibleMessage[] = [{ role: 'user', content: 'hi' }]) {
  const warnings: LanguageModelV1CallWarning[] = [];
  const body = buildOpenAICompatibleChatBody({ prompt: [], ...options }, messages, { ...dialect, ...overrides }, warnings);
  return { body, warnings, messages };
}

describe('buildOpenAICompatibleChatBody', () => {
  it('maps call settings to wire fields and warns about top-k', () => {
    const { body, warnings } = build({ temperature: 0.2, topP: 0.9, topK: 5, presencePenalty: 0.1, frequencyPenalty: 0.3, maxOutputTokens: 100, stopSequences: ['END'], seed: 7 }, { maxTokensField: 'max_tokens' });
    expect(body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2, top_p: 0.9, presence_penalty: 0.1, frequency_penalty: 0.3, max_tokens: 100, stop: ['END'], seed: 7 });
    expect(warnings).toEqual([{ type: 'unsupported-setting', setting: 'topK', details: 'Acme chat has no top-k sampling' }]);
  });

  it('drops sampling settings with a warning when the model does not take them', () => {
    const { body, warnings } = build({ temperature: 0.2, topP: 0.5 }, { samplingUnsupported: 'not supported by reasoning model o3; ignored' });
    expect(body).not.toHaveProperty('temperature');
    expect(warnings.map((warning) => warning.type === 'unsupported-setting' && warning.setting)).toEqual(['temperature', 'topP']);
  });

  it('sends json_schema when supported, else json_object with an instruction merged into the system message or added first', () => {
    const native = build({ responseFormat: { type: 'json', schema, name: 'thing', description: 'A thing' } });
    expect(native.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'thing', description: 'A thing', schema, strict: true } });

    const merged = build({ responseFormat: { type: 'json', schema } }, { structuredOutputs: false }, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }]);
    expect(merged.body.response_format).toEqual({ type: 'json_object' });
    expect(merged.messages[0]).toEqual({ role: 'system', content: `Be brief.\n\nAnswer with a single JSON object only, matching this JSON Schema: ${JSON.stringify(schema)}` });

    const added = build({ responseFormat: { type: 'json' } }, { systemRole: 'developer' });
    expect(added.messages).toEqual([{ role: 'developer', content: 'Answer with a single JSON object only.' }, { role: 'user', content: 'hi' }]);
  });

  it('maps tools (strict when asked) and tool choice, and warns about a tool choice without tools', () => {
    const tools = [{ type: 'function' as const, name: 'weather', description: 'Weather', inputSchema: schema }];
    const { body } = build({ tools, toolChoice: { type: 'tool', toolName: 'weather' } }, { strictTools: true });
    expect(body.tools).toEqual([{ type: 'function', function: { name: 'weather', description: 'Weather', parameters: schema, strict: true } }]);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'weather' } });
    expect(build({ tools, toolChoice: { type: 'required' } }).body).toMatchObject({ tools: [{ function: { name: 'weather' } }], tool_choice: 'required' });
    expect(build({ toolChoice: { type: 'required' } }).warnings).toEqual([{ type: 'unsupported-setting', setting: 'toolChoice', details: 'ignored because no tools were given' }]);
  });
});
