const signatures: Array<[prefix: string, mediaType: string]> = [
  ['iVBORw0KGgo', 'image/png'],
  ['/9j/', 'image/jpeg'],
  ['R0lGOD', 'image/gif'],
  ['UklGR', 'image/webp'],
];

/**
 * The media type of an image given as base64 or bytes, from its leading bytes (PNG, JPEG, GIF, WebP);
 * `fallback` when the format is not recognised or the image is a URL.
 */
export function detectImageMediaType(image: URL | string | Uint8Array, fallback: string): string {
  if (image instanceof URL) return fallback;
  const base64 = typeof image === 'string' ? image : Buffer.from(image.subarray(0, 16)).toString('base64');
  return signatures.find(([prefix]) => base64.startsWith(prefix))?.[1] ?? fallback;
}
