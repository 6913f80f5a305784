import type { IncomingMessage } from 'node:http';
import {
  correlationIdOf,
  resolveCorrelationId,
  traceIdFromTraceparent,
  traceparentFor,
} from './correlation';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACE_ID_PATTERN = /^[0-9a-f]{32}$/;

const request = (headers: IncomingMessage['headers'] = {}) =>
  ({ headers }) as IncomingMessage;

describe('traceIdFromTraceparent', () => {
  it.each([
    [`00-${TRACE_ID}-${SPAN_ID}-01`, 'sampled'],
    [`00-${TRACE_ID}-${SPAN_ID}-00`, 'not sampled'],
    [`  00-${TRACE_ID}-${SPAN_ID}-01 `, 'with surrounding whitespace'],
  ])('reads the trace id of the valid header %j (%s)', (header) => {
    expect(traceIdFromTraceparent(header)).toBe(TRACE_ID);
  });

  it.each([
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['an all-zero parent span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['a trace id one digit short', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
    ['a trace id one digit long', `00-${TRACE_ID}a-${SPAN_ID}-01`],
    ['a span id one digit short', `00-${TRACE_ID}-${SPAN_ID.slice(1)}-01`],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['the invalid version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['no flags', `00-${TRACE_ID}-${SPAN_ID}`],
    ['an extra field on version 00', `00-${TRACE_ID}-${SPAN_ID}-01-extra`],
    ['non-hex digits', `00-${'g'.repeat(32)}-${SPAN_ID}-01`],
    ['an empty string', ''],
  ])('rejects a header with %s', (_what, header) => {
    expect(traceIdFromTraceparent(header)).toBeUndefined();
  });

  it.each([
    ['undefined', undefined],
    ['a number', 42],
    ['an array of headers', [`00-${TRACE_ID}-${SPAN_ID}-01`]],
    ['an object', { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` }],
  ])('rejects %s, which is not a header string', (_what, header) => {
    expect(traceIdFromTraceparent(header)).toBeUndefined();
  });
});

describe('traceparentFor', () => {
  it('continues the trace id in a valid header with a new span id', () => {
    const header = traceparentFor(TRACE_ID);

    expect(traceIdFromTraceparent(header)).toBe(TRACE_ID);
    expect(header).not.toBe(traceparentFor(TRACE_ID));
  });
});

describe('resolveCorrelationId', () => {
  it("uses the incoming traceparent's trace id", () => {
    expect(
      resolveCorrelationId({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` }),
    ).toBe(TRACE_ID);
  });

  it('creates a new trace id when the traceparent is missing or invalid', () => {
    const fromNothing = resolveCorrelationId({});
    const fromInvalid = resolveCorrelationId({
      traceparent: `00-${'0'.repeat(32)}-${SPAN_ID}-01`,
    });

    expect(fromNothing).toMatch(TRACE_ID_PATTERN);
    expect(fromInvalid).toMatch(TRACE_ID_PATTERN);
    expect(fromInvalid).not.toBe('0'.repeat(32));
    expect(fromNothing).not.toBe(fromInvalid);
  });
});

describe('correlationIdOf', () => {
  it('is the trace id of the request traceparent', () => {
    expect(
      correlationIdOf(request({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` })),
    ).toBe(TRACE_ID);
  });

  it('is the same on every call for one request, even when it was generated', () => {
    const raw = request();

    const first = correlationIdOf(raw);

    expect(first).toMatch(TRACE_ID_PATTERN);
    expect(correlationIdOf(raw)).toBe(first);
    expect(correlationIdOf(raw)).toBe(first);
  });

  it('differs between requests without a traceparent', () => {
    expect(correlationIdOf(request())).not.toBe(correlationIdOf(request()));
  });
});
