import { describe, expect, it } from 'vitest';
import { UnsupportedFunctionalityError } from '../../errors/unsupported-functionality-error.ts';
import type { LanguageModelV1Prompt } from '../../language-model/v1/index.ts';
import { convertToOpenAICompatibleMessages, type OpenAICompatibleMessageOptions } from './convert-to-openai-compatible-messages.ts';

const openAI: OpenAICompatibleMessageOptions = { providerName: 'OpenAI', providerOptionsKey: 'openai', pdf: true, audio: true };
const imagesOnly: OpenAICompatibleMessageOptions = { providerName: 'Groq', providerOptionsKey: 'groq', pdf: false, audio: false };
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('convertToOpenAICompatibleMessages', () => {
  it('converts system, user text, assistant text with tool calls, and tool results', () => {
    const prompt: LanguageModelV1Prompt = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'need the tool' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Oslo' } },
        ],
      },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'weather', output: { temp: 3 } }] },
    ];
    expect(convertToOpenAICompatibleMessages(prompt, { ...openAI, systemRole: 'developer', reasoningField: 'reasoning_content' })).toEqual([
      { role: 'developer', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }], reasoning_content: 'need the tool' },
      { role: 'tool', tool_call_id: 'c1', content: '{"temp":3}' },
    ]);
    const [system, , assistant] = convertToOpenAICompatibleMessages(prompt, imagesOnly);
    expect(system).toEqual({ role: 'system', content: 'Be brief.' });
    expect(assistant).not.toHaveProperty('reasoning_content');
  });

  it("reasoningWhen 'with-tool-calls' sends reasoning only on assistant messages that call tools", () => {
    const prompt: LanguageModelV1Prompt = [
      { role: 'assistant', content: [{ type: 'reasoning', text: 'greet' }, { type: 'text', text: 'Hi' }] },
      { role: 'assistant', content: [{ type: 'reasoning', text: 'use tool' }, { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: {} }] },
    ];
    const options = { ...openAI, reasoningField: 'reasoning_content' };
    const [plain, calling] = convertToOpenAICompatibleMessages(prompt, { ...options, reasoningWhen: 'with-tool-calls' });
    expect(plain).toEqual({ role: 'assistant', content: 'Hi' });
    expect(calling).toMatchObject({ role: 'assistant', content: null, reasoning_content: 'use tool' });
    expect(convertToOpenAICompatibleMessages(prompt, options)[0]).toEqual({ role: 'assistant', content: 'Hi', reasoning_content: 'greet' });
  });

  it('sends images as data URLs (type detected, else image/jpeg) or as URLs, with the provider key imageDetail', () => {
    const [message] = convertToOpenAICompatibleMessages(
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image', image: png, providerOptions: { groq: { imageDetail: 'low' } } },
            { type: 'image', image: 'AAAA' },
            { type: 'image', image: new URL('https://example.com/a.webp') },
            { type: 'file', data: 'R0lGODlh', mediaType: 'image/gif' },
          ],
        },
      ],
      imagesOnly,
    );
    expect(message).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Compare' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from(png).toString('base64')}`, detail: 'low' } },
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } },
        { type: 'image_url', image_url: { url: 'https://example.com/a.webp' } },
        { type: 'image_url', image_url: { url: 'data:image/gif;base64,R0lGODlh' } },
      ],
    });
  });

  it('sends PDF and audio only when the dialect accepts them, and names what is accepted otherwise', () => {
    const prompt: LanguageModelV1Prompt = [
      {
        role: 'user',
        content: [
          { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf', filename: 'a.pdf' },
          { type: 'file', data: 'data:audio/wav;base64,UklGRg==', mediaType: 'audio/wav' },
        ],
      },
    ];
    expect(convertToOpenAICompatibleMessages(prompt, openAI)[0]).toEqual({
      role: 'user',
      content: [
        { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
        { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
      ],
    });
    expect(() => convertToOpenAICompatibleMessages(prompt, imagesOnly)).toThrow(
      'Groq chat does not accept files of type "application/pdf" in user messages: send images, or put the content in text',
    );
    const csv: LanguageModelV1Prompt = [{ role: 'user', content: [{ type: 'file', data: 'YQ==', mediaType: 'text/csv' }] }];
    expect(() => convertToOpenAICompatibleMessages(csv, openAI)).toThrow(
      'OpenAI chat does not accept files of type "text/csv" in user messages: send images, PDF (application/pdf) or audio (audio/wav, audio/mpeg), or put the content in text',
    );
    expect(() => convertToOpenAICompatibleMessages(csv, { ...openAI, audio: false })).toThrow('send images or PDF (application/pdf), or put');
  });

  it('refuses PDF and audio given as URLs, naming the fix', () => {
    const pdfUrl: LanguageModelV1Prompt = [{ role: 'user', content: [{ type: 'file', data: new URL('https://example.com/a.pdf'), mediaType: 'application/pdf' }] }];
    let error: unknown;
    try {
      convertToOpenAICompatibleMessages(pdfUrl, openAI);
    } catch (thrown) {
      error = thrown;
    }
    expect(UnsupportedFunctionalityError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe("OpenAI accepts PDF files only as data: pass the PDF's bytes or base64 instead of the URL https://example.com/a.pdf");
    const audioUrl: LanguageModelV1Prompt = [{ role: 'user', content: [{ type: 'file', data: 'https://example.com/a.mp3', mediaType: 'audio/mpeg' }] }];
    expect(() => convertToOpenAICompatibleMessages(audioUrl, openAI)).toThrow('audio must be sent as data, not as a URL (https://example.com/a.mp3)');
  });
});
