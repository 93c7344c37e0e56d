import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
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
  if (!chosen) return;
  provider = new BasicTracerProvider({ resource: new Resource({ 'service.name': serviceName }) });
  provider.addSpanProcessor(exporter ? new SimpleSpanProcessor(chosen) : new BatchSpanProcessor(chosen));
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable(), propagator: new W3CTraceContextPropagator() });
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
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = trace.getTracer(TRACER).startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  if (trace.isSpanContextValid(span.spanContext())) {
    return { span, context: trace.setSpan(parent, span), traceId: span.spanContext().traceId };
  }
  const ids = randomBytes(24).toString('hex');
  const made = trace.wrapSpanContext({ traceId: ids.slice(0, 32), spanId: ids.slice(32), traceFlags: TraceFlags.NONE });
  return { span: made, context: trace.setSpan(ROOT_CONTEXT, made), traceId: made.spanContext().traceId };
}

/** traceparent (and tracestate) for a call made on behalf of the request. */
export function traceHeaders(requestContext: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(requestContext, carrier);
  return carrier;
}

export function runInTrace<T>(requestContext: Context, work: () => Promise<T>): Promise<T> {
  return context.with(requestContext, work);
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
