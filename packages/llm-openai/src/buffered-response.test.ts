import { describe, expect, it } from 'vitest';
import { BufferedResponse } from './buffered-response.ts';

const init = { status: 200, statusText: 'OK', headers: [['content-type', 'application/json; charset=utf-8'], ['x-request-id', 'req_1']] as Array<[string, string]> };
const url = 'http://127.0.0.1:1/v1/embeddings';
const encode = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;

/** The same body as a BufferedResponse and as a plain Response: each test checks both answer alike. */
function both(bytes: Uint8Array<ArrayBuffer>): [Response, Response] {
  return [new BufferedResponse(bytes.slice(), init, url), new Response(bytes.slice(), init)];
}

/** What a promise rejected with, or its value. */
async function settle(call: () => Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await call() };
  } catch (error) {
    return { error };
  }
}

describe('BufferedResponse', () => {
  it('is a Response with the status, headers and URL it was given', () => {
    const [ours] = both(encode('{}'));
    expect(ours).toBeInstanceOf(Response);
    expect([ours.status, ours.statusText, ours.ok, ours.url]).toEqual([200, 'OK', true, url]);
    expect(ours.headers.get('x-request-id')).toBe('req_1');
    expect(ours.bodyUsed).toBe(false);
  });

  it('decodes text as fetch does: UTF-8, a leading BOM dropped, invalid bytes replaced', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encode('héllo '), 0xff, 0xfe, ...encode(' 😀')]) as Uint8Array<ArrayBuffer>;
    const [ours, plain] = both(bytes);
    const text = await ours.text();
    expect(text).toBe(await plain.text());
    expect(text).toBe('héllo \ufffd\ufffd 😀');
  });

  it('parses JSON as fetch does, and rejects invalid JSON with the same SyntaxError', async () => {
    const [ours, plain] = both(encode('\ufeff{"data":[{"embedding":[0.5,-1],"index":0}]}'));
    expect(await ours.json()).toEqual(await plain.json());
    const [badOurs, badPlain] = both(encode('{"data":'));
    const [ourError, plainError] = [(await settle(() => badOurs.json())).error, (await settle(() => badPlain.json())).error];
    expect(ourError).toBeInstanceOf(SyntaxError);
    expect((ourError as Error).message).toBe((plainError as Error).message);
  });

  it('gives bytes and an ArrayBuffer equal to fetch\'s', async () => {
    const bytes = encode('{"a":[1,2,3]}');
    const [ours, plain] = both(bytes);
    expect(new Uint8Array(await ours.arrayBuffer())).toEqual(new Uint8Array(await plain.arrayBuffer()));
    const [oursAgain, plainAgain] = both(bytes);
    expect(await oursAgain.bytes()).toEqual(await plainAgain.bytes());
  });

  it('reads a body once: a second read rejects with TypeError, and bodyUsed turns true, as with fetch', async () => {
    for (const response of both(encode('{"a":1}'))) {
      await response.text();
      expect(response.bodyUsed).toBe(true);
      for (const read of [() => response.text(), () => response.json(), () => response.arrayBuffer(), () => response.bytes(), () => response.blob()]) {
        expect((await settle(read)).error).toBeInstanceOf(TypeError);
      }
      // the stream of a read body is there, locked
      expect(response.body?.locked).toBe(true);
      expect(() => response.clone()).toThrow(TypeError);
    }
  });

  it('builds the stream when asked for it: body reads chunk by chunk, and the body is then used', async () => {
    const [ours, plain] = both(encode('{"streamed":true}'));
    for (const response of [ours, plain]) {
      const reader = response.body!.getReader();
      const chunks: Uint8Array[] = [];
      for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
      expect(new TextDecoder().decode(Buffer.concat(chunks))).toBe('{"streamed":true}');
      expect(response.bodyUsed).toBe(true);
      expect((await settle(() => response.json())).error).toBeInstanceOf(TypeError);
    }
  });

  it('gives a blob typed by the content type, and a clone whose body reads independently', async () => {
    const [ours, plain] = both(encode('{"b":2}'));
    const [ourBlob, plainBlob] = [await ours.blob(), await plain.blob()];
    expect([ourBlob.type, await ourBlob.text()]).toEqual([plainBlob.type, await plainBlob.text()]);

    const original = new BufferedResponse(encode('{"c":3}'), init, url);
    const copy = original.clone();
    expect([copy.status, copy.url, copy.headers.get('x-request-id')]).toEqual([200, url, 'req_1']);
    expect(await copy.json()).toEqual({ c: 3 });
    expect(original.bodyUsed).toBe(false);
    expect(await original.text()).toBe('{"c":3}');

    // once the stream exists, a clone tees it, as fetch's does
    const streamed = new BufferedResponse(encode('{"d":4}'), init, url);
    expect(streamed.body).not.toBeNull();
    const tee = streamed.clone();
    expect([await tee.json(), await streamed.json(), tee.url]).toEqual([{ d: 4 }, { d: 4 }, url]);
  });
});
