/** What a test receives for a request. */
export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (no JSON encoding), e.g. malformed JSON. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** Sends one request and answers status, headers and the body's text. */
export type Transport = (
  method: string,
  url: string,
  init: { headers: Record<string, string>; body?: string },
) => Promise<{ status: number; headers: Headers; text: string }>;

/** Over a real socket, with fetch. */
export const fetchTransport: Transport = async (method, url, init) => {
  const response = await fetch(url, { method, ...init });
  return {
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  };
};

/**
 * The tests' HTTP client: JSON bodies, default headers (the key), parsed JSON answers. By default
 * every call goes over a socket to a listening app; another transport can serve it otherwise (the
 * Functions handler, in test/e2e/support/functions-host.ts).
 */
export class HttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly defaultHeaders: Record<string, string> = {},
    private readonly transport: Transport = fetchTransport,
  ) {}

  /** The same client with other default headers, e.g. another key or none. */
  with(headers: Record<string, string>): HttpClient {
    return new HttpClient(
      this.baseUrl,
      { ...this.defaultHeaders, ...headers },
      this.transport,
    );
  }

  withoutHeader(name: string): HttpClient {
    const headers = { ...this.defaultHeaders };
    delete headers[name];
    return new HttpClient(this.baseUrl, headers, this.transport);
  }

  get<T = any>(path: string, options: RequestOptions = {}) {
    return this.request<T>('GET', path, options);
  }

  post<T = any>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T = any>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('PUT', path, { ...options, body });
  }

  async request<T = any>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<HttpResult<T>> {
    const hasBody = options.body !== undefined || options.rawBody !== undefined;
    const response = await this.transport(method, `${this.baseUrl}${path}`, {
      headers: {
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...this.defaultHeaders,
        ...options.headers,
      },
      body:
        options.rawBody ??
        (options.body !== undefined ? JSON.stringify(options.body) : undefined),
    });
    const text = response.text;
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return {
      status: response.status,
      headers: response.headers,
      body: body as T,
    };
  }
}

/** A W3C traceparent with a known trace id, and that trace id. */
export function knownTrace(): { traceparent: string; traceId: string } {
  const hex = (bytes: number) =>
    Array.from({ length: bytes }, () =>
      Math.floor(Math.random() * 256)
        .toString(16)
        .padStart(2, '0'),
    ).join('');
  const traceId = hex(16);
  return { traceId, traceparent: `00-${traceId}-${hex(8)}-01` };
}
