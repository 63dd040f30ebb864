import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { fakeErrorContext, FakeAPIError } from './fake-sdk-errors.ts';
import { OpenAICompatibleSSEChunks } from './openai-compatible-sse-chunks.ts';

const chunksOf = (response: Response): OpenAICompatibleSSEChunks<unknown> => new OpenAICompatibleSSEChunks(response, createParser, fakeErrorContext);

/** A body sending `pieces` one network read each (a string, or an error to fail the read with); what happened to it. */
function body(pieces: Array<string | Error>, { end = true }: { end?: boolean } = {}): { response: Response; state: { cancelled: boolean; reads: number } } {
  const state = { cancelled: false, reads: 0 };
  const encoder = new TextEncoder();
  let index = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.reads++;
      const piece = pieces[index++];
      if (piece === undefined) {
        if (end) controller.close();
        return;
      }
      if (piece instanceof Error) controller.error(piece);
      else controller.enqueue(encoder.encode(piece));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { response: new Response(stream, { headers: { 'x-request-id': 'req_1' } }), state };
}

async function read(chunks: OpenAICompatibleSSEChunks<unknown>): Promise<{ values: unknown[]; error?: unknown }> {
  const values: unknown[] = [];
  try {
    for (;;) {
      const result = await chunks.next();
      if (result.done) return { values };
      values.push(result.value);
    }
  } catch (error) {
    return { values, error };
  }
}

describe('OpenAICompatibleSSEChunks', () => {
  it('parses events split across reads, with CRLF line ends, comments, named events and multi-byte text', async () => {
    const event = 'data: {"n":2,"text":"wörld ☃"}\n\n';
    const { response } = body([': keep-alive\r\n\r\n', 'event: message\r\ndata: {"n":1}\r\n\r\n', event.slice(0, 9), event.slice(9, 22), event.slice(22), 'data: [DONE]\n\n']);
    expect(await read(chunksOf(response))).toEqual({ values: [{ n: 1 }, { n: 2, text: 'wörld ☃' }] });
  });

  it('ends at [DONE], ignores what follows, and reads the rest of the body instead of cancelling it', async () => {
    const { response, state } = body(['data: {"n":1}\n\ndata: [DONE]\n\ndata: {"n":2}\n\n', 'data: {"n":3}\n\n']);
    const chunks = chunksOf(response);
    expect(await read(chunks)).toEqual({ values: [{ n: 1 }] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(state.cancelled).toBe(false);
    // the second piece and the end were read
    expect(state.reads).toBeGreaterThanOrEqual(3);
  });

  it('counts a last event without its blank line', async () => {
    const { response } = body(['data: {"n":1}\n\n', 'data: {"n":2}']);
    expect(await read(chunksOf(response))).toEqual({ values: [{ n: 1 }, { n: 2 }] });
  });

  it('hands out the chunks before a malformed event, then throws SyntaxError and cancels the body', async () => {
    const { response, state } = body(['data: {"n":1}\n\ndata: {"n":\n\ndata: {"n":3}\n\n'], { end: false });
    const { values, error } = await read(chunksOf(response));
    expect(values).toEqual([{ n: 1 }]);
    expect(error).toBeInstanceOf(SyntaxError);
    expect(state.cancelled).toBe(true);
  });

  it("turns an error event, or data holding error, into the SDK's APIError without a status, with the payload and the headers", async () => {
    for (const [text, payload] of [
      ['event: error\ndata: {"error":{"message":"overloaded","type":"server_error"}}\n\n', { message: 'overloaded', type: 'server_error' }],
      ['event: error\ndata: {"message":"bare"}\n\n', { message: 'bare' }],
      ['data: {"error":{"message":"rate limited","code":"rate_limit"}}\n\n', { message: 'rate limited', code: 'rate_limit' }],
    ] as const) {
      const { response, state } = body([`data: {"n":1}\n\n${text}`], { end: false });
      const { values, error } = await read(chunksOf(response));
      expect(values).toEqual([{ n: 1 }]);
      expect(error).toBeInstanceOf(FakeAPIError);
      expect((error as FakeAPIError).status).toBeUndefined();
      expect((error as FakeAPIError).error).toEqual(payload);
      expect((error as FakeAPIError).headers!.get('x-request-id')).toBe('req_1');
      expect(state.cancelled).toBe(true);
    }
  });

  it('ends on an aborted read, and throws any other read failure as it is', async () => {
    const aborted = body(['data: {"n":1}\n\n', new DOMException('The operation was aborted.', 'AbortError')]);
    expect(await read(chunksOf(aborted.response))).toEqual({ values: [{ n: 1 }] });
    const cut = new TypeError('terminated');
    const failed = body(['data: {"n":1}\n\n', cut]);
    expect(await read(chunksOf(failed.response))).toEqual({ values: [{ n: 1 }], error: cut });
  });

  it('return() cancels an unfinished body, also before the first read, and ends the iteration', async () => {
    const { response, state } = body(['data: {"n":1}\n\n'], { end: false });
    const chunks = chunksOf(response);
    await chunks.return();
    expect(state.cancelled).toBe(true);
    expect(await chunks.next()).toEqual({ value: undefined, done: true });
  });

  it('says which provider answered without a body', async () => {
    const { error } = await read(chunksOf(new Response(null)));
    expect((error as Error).message).toBe('Acme stream: the response has no body to read; a custom fetch must return the streamed body');
  });
});
