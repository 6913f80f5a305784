import { canonicalJson } from '../json/canonical-json';

/**
 * A response reduced to what the server decided, for keeping it to replay: every part equal to the
 * same part of the request is left out (null in `body`) and named in `fromRequest` as a JSON Pointer
 * (RFC 6901). A replay carries a request with the same fingerprint, so it supplies those parts again
 * and the stored copy holds no patient data the client sent, only the ids and times the server added.
 */
export interface ReplayTemplate {
  body: unknown;
  fromRequest: string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: unknown): value is Record<string, Json> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const escapeSegment = (segment: string) =>
  segment.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeSegment = (segment: string) =>
  segment.replace(/~1/g, '/').replace(/~0/g, '~');

function reduce(
  response: Json,
  request: Json | undefined,
  pointer: string,
  fromRequest: string[],
): Json {
  if (request === undefined) {
    return response;
  }
  if (canonicalJson(response) === canonicalJson(request)) {
    fromRequest.push(pointer);
    return null;
  }
  if (isObject(response) && isObject(request)) {
    return Object.fromEntries(
      Object.entries(response).map(([key, member]) => [
        key,
        reduce(
          member,
          Object.hasOwn(request, key) ? request[key] : undefined,
          `${pointer}/${escapeSegment(key)}`,
          fromRequest,
        ),
      ]),
    );
  }
  if (Array.isArray(response) && Array.isArray(request)) {
    return response.map((item, index) =>
      reduce(item, request[index], `${pointer}/${index}`, fromRequest),
    );
  }
  return response;
}

/**
 * The template of `response` (as it goes on the wire) against the `request` body it answered.
 * Bodies are bounded in depth by the well-formed input guard before they get here.
 */
export function toReplayTemplate(
  response: unknown,
  request: unknown,
): ReplayTemplate {
  const fromRequest: string[] = [];
  // The wire form: what JSON serialisation makes of dates and undefined members.
  const wire = JSON.parse(JSON.stringify(response ?? null)) as Json;
  const body = reduce(
    wire,
    request === undefined
      ? undefined
      : (JSON.parse(JSON.stringify(request)) as Json),
    '',
    fromRequest,
  );
  return { body, fromRequest };
}

/** The response again, from its template and the replayed request body (same fingerprint). */
export function fromReplayTemplate(
  template: ReplayTemplate,
  request: unknown,
): unknown {
  const wireRequest = JSON.parse(JSON.stringify(request ?? null)) as Json;
  let body = JSON.parse(JSON.stringify(template.body)) as Json;
  for (const pointer of template.fromRequest) {
    const segments =
      pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeSegment);
    let source: Json = wireRequest;
    for (const segment of segments) {
      source = (source as Record<string, Json>)[segment];
    }
    if (segments.length === 0) {
      body = source;
      continue;
    }
    let target = body as Record<string, Json>;
    for (const segment of segments.slice(0, -1)) {
      target = target[segment] as Record<string, Json>;
    }
    // Defined, not assigned: a member named `__proto__` stays a member.
    Object.defineProperty(target, segments[segments.length - 1], {
      value: source,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return body;
}
