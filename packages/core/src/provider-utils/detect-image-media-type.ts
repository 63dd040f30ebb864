/** An image format recognised by {@link detectImageMediaType}. */
export type DetectedImageMediaType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

const signatures: Array<[prefix: string, mediaType: DetectedImageMediaType]> = [
  ['iVBORw0KGgo', 'image/png'],
  ['/9j/', 'image/jpeg'],
  ['R0lGOD', 'image/gif'],
  ['UklGR', 'image/webp'],
];

/**
 * The media type of an image given as base64 or bytes, from its leading bytes (PNG, JPEG, GIF, WebP);
 * undefined when the format is not recognised or the image is a URL.
 */
export function detectImageMediaType(image: URL | string | Uint8Array): DetectedImageMediaType | undefined {
  if (image instanceof URL) return undefined;
  const base64 = typeof image === 'string' ? image : Buffer.from(image.subarray(0, 16)).toString('base64');
  return signatures.find(([prefix]) => base64.startsWith(prefix))?.[1];
}
