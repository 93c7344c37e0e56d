import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import { initTracing, startRequestSpan, traceHeaders } from './tracing';

describe('tracing without an exporter', () => {
  beforeAll(() => initTracing('spec', { exporter: 'none', otlpUrl: 'http://127.0.0.1:4318/v1/traces' }));
  afterAll(() => trace.disable());

  it('makes up distinct valid trace ids and passes them on as traceparent', () => {
    const ids = new Set<string>();
    // More than one pool of ids, so the refill is exercised too.
    for (let index = 0; index < 600; index += 1) {
      const made = startRequestSpan('request', {});
      expect(made.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(made.traceId).not.toBe('0'.repeat(32));
      expect(made.span.isRecording()).toBe(false);
      expect(traceHeaders(made.context).traceparent).toMatch(new RegExp(`^00-${made.traceId}-[0-9a-f]{16}-00$`));
      ids.add(made.traceId);
    }
    expect(ids.size).toBe(600);
  });

  it("keeps the caller's trace id", () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const made = startRequestSpan('request', { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(made.traceId).toBe(traceId);
    expect(traceHeaders(made.context).traceparent).toContain(traceId);
  });

  it('runs startActiveSpan callbacks in every call form without entering a new context', () => {
    const tracer = trace.getTracer('apollo-like');
    const parent = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }));
    expect(tracer.startActiveSpan('one', (span) => span.isRecording())).toBe(false);
    expect(tracer.startActiveSpan('two', {}, (span) => span.spanContext().traceId)).toBe('0'.repeat(32));
    expect(tracer.startActiveSpan('three', {}, parent, (span) => span.spanContext().traceId)).toBe('a'.repeat(32));
    expect(tracer.startActiveSpan('five', () => context.active())).toBe(ROOT_CONTEXT);
    expect(tracer.startSpan('six', {}, parent).spanContext().spanId).toBe('b'.repeat(16));
  });
});
