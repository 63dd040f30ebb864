import { describe, expect, it } from 'vitest';
import { headersToRecord } from './headers-to-record.ts';

describe('headersToRecord', () => {
  it('lower-cases header names and keeps undefined for missing headers', () => {
    expect(headersToRecord(new Headers({ 'X-Request-Id': 'abc', 'Retry-After': '2' }))).toEqual({ 'x-request-id': 'abc', 'retry-after': '2' });
    expect(headersToRecord(undefined)).toBeUndefined();
    expect(headersToRecord(null)).toBeUndefined();
  });
});
