import { describe, expect, it } from 'vitest';
import { TypeValidationError } from '../errors/type-validation-error.ts';
import { normalizeInput, toPromptMessage } from './model-message.ts';

describe('messages', () => {
  it('normalizes strings and messages', () => {
    expect(normalizeInput('hi')).toEqual([{ role: 'user', content: 'hi' }]);
    expect(normalizeInput(['a', { role: 'assistant', content: 'b' }])).toEqual([{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }]);
    expect(() => normalizeInput([{ role: 'robot', content: 'x' } as never])).toThrow(TypeValidationError);
  });

  it('converts image URLs, data URLs and bytes', () => {
    const message = toPromptMessage({
      role: 'user',
      content: [
        { type: 'text', text: 'what is this?' },
        { type: 'image', image: 'https://example.com/cat.png' },
        { type: 'image', image: 'data:image/png;base64,iVBORw0KGgo=' },
        { type: 'image', image: new Uint8Array([1, 2]).buffer, mediaType: 'image/jpeg' },
      ],
    });
    expect(message).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'what is this?' },
        { type: 'image', image: new URL('https://example.com/cat.png') },
        { type: 'image', image: 'iVBORw0KGgo=', mediaType: 'image/png' },
        { type: 'image', image: new Uint8Array([1, 2]), mediaType: 'image/jpeg' },
      ],
    });
  });
});
