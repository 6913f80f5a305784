import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/**
 * Serves one request inside a SERVER span that continues `traceparent` (for a Function, the host's
 * `InvocationContext.traceContext`). Fastify's `inject()` never passes through the HTTP server that
 * OpenTelemetry instruments, so without this the Functions path would have no request telemetry and
 * its audit call and database calls would start traces of their own. The span is the active context
 * while `serve` runs, so the correlation id, the outgoing `traceparent` and the dependencies all join
 * it. Without telemetry the OpenTelemetry API is a no-op and this only calls `serve`.
 */
export async function withRequestSpan<T extends { status?: number }>(
  request: {
    method: string;
    path: string;
    traceparent?: string;
    tracestate?: string;
  },
  serve: () => Promise<T>,
): Promise<T> {
  const carrier: Record<string, string> = {};
  if (request.traceparent) {
    carrier.traceparent = request.traceparent;
  }
  if (request.tracestate) {
    carrier.tracestate = request.tracestate;
  }
  const parent = propagation.extract(ROOT_CONTEXT, carrier);
  const span = trace.getTracer('@app/shared/functions').startSpan(
    `${request.method} ${request.path}`,
    {
      kind: SpanKind.SERVER,
      // The path only: a query string may carry a key (`code=`) or a search's patient data.
      attributes: {
        'http.request.method': request.method,
        'url.path': request.path,
      },
    },
    parent,
  );
  try {
    const result = await context.with(trace.setSpan(parent, span), serve);
    const status = result.status ?? 200;
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) {
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    return result;
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}
