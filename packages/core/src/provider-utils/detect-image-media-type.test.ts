import { describe, expect, it } from 'vitest';
import { detectImageMediaType } from './detect-image-media-type.ts';

describe('detectImageMediaType', () => {
  it('recognises PNG, JPEG, GIF and WebP from bytes and from base64', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
    const gif = new TextEncoder().encode('GIF89a....');
    const webp = new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ');
    expect([png, jpeg, gif, webp].map((bytes) => detectImageMediaType(bytes))).toEqual(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
    expect(detectImageMediaType(Buffer.from(png).toString('base64'))).toBe('image/png');
    expect(detectImageMediaType('/9j/4AAQSkZJRg')).toBe('image/jpeg');
  });

  it('returns undefined for URLs and unknown formats, so the caller picks the fallback', () => {
    expect(detectImageMediaType(new URL('https://example.com/cat.png'))).toBeUndefined();
    expect(detectImageMediaType('https://example.com/cat.png')).toBeUndefined();
    expect(detectImageMediaType(new TextEncoder().encode('%PDF-1.7'))).toBeUndefined();
  });
});
