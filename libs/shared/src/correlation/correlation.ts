import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isSpanContextValid, trace } from '@opentelemetry/api';

/** The response header that carries the W3C trace id of the request. */
export const CORRELATION_HEADER = 'x-correlation-id';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);

/** The trace id of a valid W3C `traceparent` header (version 00), or undefined. */
export function traceIdFromTraceparent(header: unknown): string | undefined {
  if (typeof header !== 'string') {
    return undefined;
  }
  const match = TRACEPARENT.exec(header.trim());
  if (!match || match[1] === INVALID_TRACE_ID || match[2] === INVALID_SPAN_ID) {
    return undefined;
  }
  return match[1];
}

export const newTraceId = () => randomBytes(16).toString('hex');
const newSpanId = () => randomBytes(8).toString('hex');

/** A `traceparent` that continues `traceId` from a new parent span (sampled). */
export const traceparentFor = (traceId: string) =>
  `00-${traceId}-${newSpanId()}-01`;

/**
 * The correlation id of a request is its W3C trace id: the active OpenTelemetry span's when telemetry
 * is on (it already continues an incoming `traceparent`), else the incoming `traceparent`'s, else new.
 */
export function resolveCorrelationId(
  headers: IncomingMessage['headers'],
): string {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext && isSpanContextValid(spanContext)) {
    return spanContext.traceId;
  }
  return traceIdFromTraceparent(headers.traceparent) ?? newTraceId();
}

type WithCorrelation = IncomingMessage & { correlationId?: string };

/**
 * The correlation id stored on the raw Node request, created on first use. The request log and
 * the Fastify hook both ask for it, in whichever order they run, and get the same id.
 */
export function correlationIdOf(raw: IncomingMessage): string {
  const request = raw as WithCorrelation;
  request.correlationId ??= resolveCorrelationId(raw.headers);
  return request.correlationId;
}
