import { existsSync } from 'node:fs';
import { Agent, Mastra, createInMemoryStorage, createTool } from '@mastra-ts/core';
import { MockLanguageModelV1, mockUsage, textStreamParts } from '@mastra-ts/core/testing';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createStep, createWorkflow } from '@mastra-ts/workflow';
import { startTestServer, type TestServer } from './test/test-server.ts';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);

const weather = createTool({
  id: 'weather',
  description: 'Weather for a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, celsius: 18 }),
});

describe.skipIf(!hasChromium)(`playground in headless Chromium (${chromiumPath}; skipped when absent: apt-get install -y chromium)`, { timeout: 60_000 }, () => {
  let browser: Browser;
  let running: TestServer;

  beforeAll(async () => {
    const model = new MockLanguageModelV1({
      doStream: [
        [
          { type: 'stream-start', warnings: [] },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Bergen"}' },
          { type: 'finish', finishReason: 'tool-calls', usage: mockUsage },
        ],
        textStreamParts(['It is ', '18 degrees ', 'in Bergen.']),
      ],
    });
    const num = z.object({ n: z.number() });
    const double = createStep({ id: 'double', inputSchema: num, outputSchema: num, execute: async ({ inputData }) => ({ n: inputData.n * 2 }) });
    const increment = createStep({ id: 'increment', inputSchema: num, outputSchema: num, execute: async ({ inputData }) => ({ n: inputData.n + 1 }) });
    const math = createWorkflow({ id: 'math', inputSchema: num, outputSchema: num }).then(double).then(increment).commit();
    const storage = createInMemoryStorage();
    await storage.traces.saveSpans([
      { traceId: 'trace-1', spanId: 'root', name: 'agent.generate', kind: 'agent', startTime: 1_000, endTime: 1_250, status: 'ok', attributes: { 'mastra.agent.id': 'forecaster' } },
      { traceId: 'trace-1', spanId: 'child', parentSpanId: 'root', name: 'model.call', kind: 'model', startTime: 1_010, endTime: 1_200, status: 'ok', attributes: {} },
    ]);
    const mastra = new Mastra({ agents: { forecaster: new Agent({ name: 'Forecaster', instructions: 'x', model, tools: { weather } }) }, workflows: { math }, storage });
    running = await startTestServer(mastra, { auth: { token: 'pw-token' } });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it('sends a message with the bearer token and shows the streamed reply and the tool call', async () => {
    const page = await browser.newPage();
    await page.goto(running.url);
    await page.fill('#token', 'pw-token');
    await page.dispatchEvent('#token', 'change');
    await page.waitForSelector('#agent-select option[value="forecaster"]', { state: 'attached' });
    expect(await page.textContent('#agent-model')).toBe('mock-provider/mock-model-id');
    await page.fill('#chat-input', 'Weather in Bergen?');
    await page.click('#chat-send');
    await page.waitForSelector('.msg.assistant[data-state="done"]');
    expect(await page.textContent('.msg.assistant .text')).toBe('It is 18 degrees in Bergen.');
    const tool = await page.textContent('.msg.assistant .tool');
    expect(tool).toContain('weather({"city":"Bergen"})');
    expect(tool).toContain('"celsius":18');
    await page.close();
  });

  it('runs a workflow with JSON input and shows its steps', async () => {
    const page = await browser.newPage();
    await page.goto(running.url);
    await page.fill('#token', 'pw-token');
    await page.dispatchEvent('#token', 'change');
    await page.waitForSelector('#workflow-select option[value="math"]', { state: 'attached' });
    await page.click('nav button[data-tab="workflows"]');
    await page.fill('#workflow-input', '{"n": 20}');
    await page.click('#workflow-run');
    await page.waitForSelector('#workflow-status.status-success');
    expect(await page.textContent('#workflow-steps li[data-step="double"]')).toBe('double: success → {"n":40}');
    expect(await page.textContent('#workflow-steps li[data-step="increment"]')).toBe('increment: success → {"n":41}');
    expect(JSON.parse((await page.textContent('#workflow-result'))!)).toMatchObject({ status: 'success', result: { n: 41 } });
    await page.close();
  });

  it('lists recent traces and opens one', async () => {
    const page = await browser.newPage();
    await page.goto(running.url);
    await page.fill('#token', 'pw-token');
    await page.dispatchEvent('#token', 'change');
    await page.click('nav button[data-tab="traces"]');
    await page.waitForSelector('#trace-list li.status-success');
    expect(await page.textContent('#trace-list li')).toContain('agent.generate  forecaster  250 ms');
    await page.click('#trace-list li');
    await page.waitForSelector('#trace-detail:not([hidden])');
    expect(await page.textContent('#trace-detail')).toBe('agent.generate 250 ms success\n  model.call 190 ms success');
    await page.close();
  });

  it('shows the server error when the token is missing', async () => {
    const page = await browser.newPage();
    await page.goto(running.url);
    await page.waitForSelector('.msg.error');
    expect(await page.textContent('.msg.error')).toContain('bearer token');
    await page.close();
  });
});
