import type { Span } from '@opentelemetry/api';
import { scrubUrlAttributes } from './url-attributes';

/** What the hook touches of a recording span: its attributes, read and set. */
function spanWith(attributes: Record<string, unknown>) {
  const span = {
    attributes: { ...attributes },
    setAttribute(name: string, value: unknown) {
      span.attributes[name] = value;
      return span;
    },
  };
  return span;
}

const SEARCH =
  'family=Doe&given=Jane&birthdate=1980-01-02&identifier=urn%3Ax%7C123&_count=10';
const REDACTED_SEARCH =
  'family=REDACTED&given=REDACTED&birthdate=REDACTED&identifier=REDACTED&_count=10';

describe('scrubUrlAttributes, the HTTP instrumentation hook', () => {
  it("redacts an incoming FHIR search's values in url.query and keeps the path and other attributes", () => {
    const span = spanWith({
      'http.request.method': 'GET',
      'url.path': '/api/fhir/Patient',
      'url.query': SEARCH,
    });

    scrubUrlAttributes(span as unknown as Span);

    expect(span.attributes).toEqual({
      'http.request.method': 'GET',
      'url.path': '/api/fhir/Patient',
      'url.query': REDACTED_SEARCH,
    });
  });

  it("redacts an outgoing call's url.full, the URL a dependency is exported with", () => {
    const span = spanWith({
      'url.full': `https://audit.test/api/fhir/AuditEvent?patient=p-1&code=a-key&${SEARCH}`,
    });

    scrubUrlAttributes(span as unknown as Span);

    expect(span.attributes['url.full']).toBe(
      `https://audit.test/api/fhir/AuditEvent?patient=REDACTED&code=REDACTED&${REDACTED_SEARCH}`,
    );
  });

  it('redacts the URL attributes of the older conventions, http.url and http.target', () => {
    const span = spanWith({
      'http.url': `http://h.test/api/fhir/Patient?${SEARCH}`,
      'http.target': `/api/fhir/Patient?${SEARCH}`,
    });

    scrubUrlAttributes(span as unknown as Span);

    expect(span.attributes).toEqual({
      'http.url': `http://h.test/api/fhir/Patient?${REDACTED_SEARCH}`,
      'http.target': `/api/fhir/Patient?${REDACTED_SEARCH}`,
    });
  });
});
