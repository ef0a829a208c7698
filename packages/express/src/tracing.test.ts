import { createRequire } from 'node:module';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import express5, { type Express } from 'express';
import express4 from 'express4';
import { afterAll, describe, expect, it } from 'vitest';
import { increment, startExpress } from './testing/start-express.js';

// OpenTelemetry's HTTP instrumentation, loaded as an app loads it: it wraps Node's http module,
// which is required once more so that the instrumentation sees it.
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);
const instrumentation = new HttpInstrumentation();
instrumentation.setTracerProvider(provider);
instrumentation.enable();
createRequire(import.meta.url)('node:http');
afterAll(() => instrumentation.disable());

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The server span of the last request to `path`, once it has ended. */
async function serverSpan(path: string) {
  await sleep(50);
  const spans = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER && String(span.attributes['http.target'] ?? span.attributes['url.path']).startsWith(path));
  return spans.at(-1);
}

describe.each([
  ['express 5', express5],
  ['express 4', express4],
])('%s with @opentelemetry/instrumentation-http', (_name, express: () => Express) => {
  it('closes the server span of a held response with its status, and of a 503 from a failed save', async () => {
    const { jar, store } = await startExpress(express, ({ app, sessions }) => {
      app.use(sessions);
      app.post('/count', (request, response) => void response.status(201).json({ count: increment(request.session) }));
    });
    exporter.reset();
    const saved = await jar.fetch('/count', { method: 'POST' });
    expect(saved.status).toBe(201);
    await saved.text();
    const ok = await serverSpan('/count');
    expect(ok).toBeDefined();
    expect(ok!.attributes['http.status_code'] ?? ok!.attributes['http.response.status_code']).toBe(201);
    expect(ok!.status.code).not.toBe(SpanStatusCode.ERROR);

    store.failing.add('set');
    exporter.reset();
    const failed = await jar.fetch('/count', { method: 'POST' });
    expect(failed.status).toBe(503);
    await failed.text();
    const unavailable = await serverSpan('/count');
    expect(unavailable).toBeDefined();
    expect(unavailable!.attributes['http.status_code'] ?? unavailable!.attributes['http.response.status_code']).toBe(503);
    expect(unavailable!.status.code).toBe(SpanStatusCode.ERROR);
  });
});
