import { randomFillSync } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span, SpanOptions, Tracer, TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Principal } from './principal';

export const TRACE_ID_HEADER = 'x-trace-id';
const TRACER = 'guthaben';

// W3C trace context (traceparent) is passed along even with tracing off, so logs correlate across services.
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

let provider: BasicTracerProvider | undefined;

export interface TracingSettings {
  exporter: 'none' | 'otlp' | 'console';
  otlpUrl: string;
}

/**
 * Once per process: with an exporter, spans of the gateway (its own query-plan and fetch spans
 * included) and of every subgraph are recorded and exported; with none, the API stays a no-op.
 */
export function initTracing(serviceName: string, settings: TracingSettings, exporter?: SpanExporter): void {
  if (provider) return;
  const chosen: SpanExporter | undefined =
    exporter ??
    (settings.exporter === 'otlp' ? new OTLPTraceExporter({ url: settings.otlpUrl }) : settings.exporter === 'console' ? new ConsoleSpanExporter() : undefined);
  if (!chosen) {
    trace.setGlobalTracerProvider(INERT_TRACER_PROVIDER);
    return;
  }
  // A process that started without an exporter has the inert provider registered; the API keeps the first one.
  trace.disable();
  provider = new BasicTracerProvider({ resource: new Resource({ 'service.name': serviceName }) });
  provider.addSpanProcessor(exporter ? new SimpleSpanProcessor(chosen) : new BatchSpanProcessor(chosen));
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable(), propagator: new W3CTraceContextPropagator() });
}

/**
 * With tracing off, the API's own no-op tracer still builds a span and a new context and enters it
 * for every span Apollo Gateway starts (request, plan, execute, each fetch, post-processing): 2-3%
 * of the gateway's CPU in profiles under the bench. This one hands the callback the current span and leaves the context alone.
 */
const INERT_TRACER: Tracer = {
  startSpan(_name: string, _options?: SpanOptions, parent?: Context): Span {
    return trace.wrapSpanContext(trace.getSpanContext(parent ?? context.active()) ?? INVALID_SPAN_CONTEXT);
  },
  startActiveSpan(_name: string, ...args: unknown[]): unknown {
    const callback = args[args.length - 1] as (span: Span) => unknown;
    const parent = args.length === 3 ? (args[1] as Context | undefined) : undefined;
    return callback(INERT_TRACER.startSpan(_name, undefined, parent));
  },
} as Tracer;

const INERT_TRACER_PROVIDER: TracerProvider = { getTracer: () => INERT_TRACER };

/**
 * Made-up trace and span ids come from a pooled buffer: one call into the random generator per
 * 256 requests instead of one per request (W3C ids need randomness, not secrecy).
 */
const ID_BYTES = 24;
const idPool = Buffer.alloc(ID_BYTES * 256);
let idOffset = idPool.length;

function freshIds(): { traceId: string; spanId: string } {
  if (idOffset >= idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  const traceId = idPool.toString('hex', idOffset, idOffset + 16);
  const spanId = idPool.toString('hex', idOffset + 16, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return { traceId, spanId };
}

export async function shutdownTracing(): Promise<void> {
  await provider?.shutdown();
}

export interface RequestTrace {
  span: Span;
  context: Context;
  traceId: string;
}

/**
 * The span of one incoming request, child of the caller's traceparent. Without tracing and without
 * an incoming trace a fresh trace id is made up, so the request can still be followed in the logs.
 */
export function startRequestSpan(name: string, headers: IncomingHttpHeaders, attributes: Attributes = {}): RequestTrace {
  // Without tracing and without a caller's trace there is nothing to extract or record.
  if (provider || headers.traceparent !== undefined) {
    const parent = propagation.extract(ROOT_CONTEXT, headers);
    const span = trace.getTracer(TRACER).startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    if (trace.isSpanContextValid(span.spanContext())) {
      return { span, context: trace.setSpan(parent, span), traceId: span.spanContext().traceId };
    }
  }
  const made = trace.wrapSpanContext({ ...freshIds(), traceFlags: TraceFlags.NONE });
  return { span: made, context: trace.setSpan(ROOT_CONTEXT, made), traceId: made.spanContext().traceId };
}

/** traceparent (and tracestate) for a call made on behalf of the request. */
export function traceHeaders(requestContext: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(requestContext, carrier);
  return carrier;
}

export function runInTrace<T>(requestContext: Context, work: () => Promise<T>): Promise<T> {
  // Only recorded spans need the request's context to be the active one.
  return provider ? context.with(requestContext, work) : work();
}

export function finishSpan(span: Span, failed: boolean): void {
  span.setStatus({ code: failed ? SpanStatusCode.ERROR : SpanStatusCode.OK });
  span.end();
}

/** Names the request span after the operation and tags it with the caller's role and brand. */
export function tracingPlugin<TContext extends BaseContext & { trace?: RequestTrace; principal: Principal | null }>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName, operation }) {
          const span = contextValue.trace?.span;
          if (!span) return;
          span.setAttribute('graphql.operation.name', operationName ?? 'anonymous');
          span.setAttribute('graphql.operation.type', operation?.operation ?? 'unknown');
          if (contextValue.principal) span.setAttribute('guthaben.role', contextValue.principal.role);
          if (contextValue.principal?.brand) span.setAttribute('guthaben.brand', contextValue.principal.brand);
        },
        async willSendResponse({ contextValue, errors, response }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          if ((errors?.length ?? 0) > 0 || (body?.errors?.length ?? 0) > 0) contextValue.trace?.span.setStatus({ code: SpanStatusCode.ERROR });
        },
      };
    },
  };
}
