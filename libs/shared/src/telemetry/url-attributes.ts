import type { Span } from '@opentelemetry/api';
import { redactQuery, redactUrl } from '../logging/redact-url';

/** URL attributes the HTTP instrumentation sets (old and new semantic conventions), and their form. */
const URL_ATTRIBUTES: Record<string, (value: string) => string> = {
  'http.url': redactUrl,
  'http.target': redactUrl,
  'url.full': redactUrl,
  // The query alone, without `?`.
  'url.query': redactQuery,
};

/**
 * HTTP instrumentation hook (incoming requests and outgoing calls alike): redacts the query values
 * (keys, tokens, a search's names, dates and identifiers) in the URL attributes of an HTTP span, with
 * the same rule as the request logs (`redactUrl`). The installed exporter builds a request's URL from
 * its path alone, but a dependency's from `url.full`, and another exporter or version may send any
 * of them.
 */
export function scrubUrlAttributes(span: Span): void {
  const attributes =
    (span as unknown as { attributes?: Record<string, unknown> }).attributes ??
    {};
  for (const [name, redact] of Object.entries(URL_ATTRIBUTES)) {
    const value = attributes[name];
    if (typeof value === 'string') {
      span.setAttribute(name, redact(value));
    }
  }
}
