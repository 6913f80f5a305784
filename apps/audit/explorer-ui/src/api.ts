import type { Keys } from './key-store';
import type { AuditRecord, ChainVerification, Checkpoint } from './records';

/** The header Azure Functions and the audit app read the key from; never the `code` query parameter. */
const KEY_HEADER = 'x-functions-key';
/** API Management's subscription key header; never its `subscription-key` query parameter. */
const SUBSCRIPTION_HEADER = 'Ocp-Apim-Subscription-Key';
/** The largest page the list route serves. */
const PAGE_SIZE = 200;
/** More than a person reads on one page; the summary says when a search stopped here. */
export const MAX_RECORDS = 5_000;
/** Verify walks at most 10,000 records per call; this many calls covers a 1,000,000-record register. */
const MAX_VERIFY_CALLS = 100;

/** An answer other than success, with the problem+json detail the API gave. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

export interface RecordSearch {
  patientId?: string;
  correlationId?: string;
  actor?: string;
  from?: string;
  to?: string;
}

export interface SearchResult {
  records: AuditRecord[];
  /** More records matched than MAX_RECORDS. */
  truncated: boolean;
}

interface Problem {
  code?: string;
  detail?: string;
  title?: string;
}

/**
 * Where the API is: the page's `<meta name="audit-api-base">` when the server filled it in (behind API
 * Management, where the page and the API have two paths), else beside the page (`/api/explorer` calls
 * `/api/auditrecord`), wherever the app is mounted. Always on the page's own origin.
 */
export function apiBase(
  page: Pick<Document, 'querySelector' | 'baseURI'> = document,
): URL {
  const configured = page
    .querySelector<HTMLMetaElement>('meta[name="audit-api-base"]')
    ?.getAttribute('content');
  const base = new URL(configured || '.', page.baseURI);
  const origin = new URL(page.baseURI).origin;
  // The page's CSP would refuse another origin anyway; say why instead of failing on every call.
  if (base.origin !== origin) {
    throw new Error("The API must be on the page's own origin.");
  }
  return base;
}

/** True when the page is served where the API needs API Management's subscription key too. */
export const behindGateway = (
  page: Pick<Document, 'querySelector'> = document,
): boolean =>
  Boolean(
    page
      .querySelector<HTMLMetaElement>('meta[name="audit-api-base"]')
      ?.getAttribute('content'),
  );

/**
 * The reader-only audit API, called from the page with the keys in headers, at `base` (see apiBase).
 */
export class AuditApi {
  constructor(
    private readonly keys: Keys,
    private readonly base: URL = apiBase(),
  ) {}

  /** The headers every call sends: the reader key, and the subscription key when there is one. */
  headers(): Record<string, string> {
    return {
      [KEY_HEADER]: this.keys.readerKey,
      ...(this.keys.subscriptionKey
        ? { [SUBSCRIPTION_HEADER]: this.keys.subscriptionKey }
        : {}),
      accept: 'application/json',
    };
  }

  /** The URL of an API path (relative, e.g. `auditrecord/verify`) with its query. */
  url(path: string, parameters: URLSearchParams): string {
    const url = new URL(path, this.base);
    url.search = parameters.toString();
    return url.toString();
  }

  private async get<T>(
    path: string,
    query: Record<string, string | undefined> = {},
  ): Promise<{ body: T; headers: Headers }> {
    const parameters = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') {
        parameters.set(name, value);
      }
    }
    const response = await fetch(this.url(path, parameters), {
      headers: this.headers(),
      // Nothing from the page (a key, a patient id) is sent to another origin or kept by a cache.
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    });
    if (!response.ok) {
      const problem = (await response.json().catch(() => ({}))) as Problem;
      throw new ApiError(
        response.status,
        problem.code,
        problem.detail ?? problem.title ?? `HTTP ${response.status}`,
      );
    }
    return { body: (await response.json()) as T, headers: response.headers };
  }

  /** Every record matching, newest first, following continuation tokens up to MAX_RECORDS. */
  async search(criteria: RecordSearch): Promise<SearchResult> {
    const records: AuditRecord[] = [];
    let continuationToken: string | undefined;
    do {
      const { body, headers } = await this.get<AuditRecord[]>('auditrecord', {
        ...criteria,
        limit: String(PAGE_SIZE),
        continuationToken,
      });
      records.push(...body);
      continuationToken = headers.get('x-continuation-token') ?? undefined;
    } while (continuationToken && records.length < MAX_RECORDS);
    return {
      records: records.slice(0, MAX_RECORDS),
      truncated:
        continuationToken !== undefined || records.length > MAX_RECORDS,
    };
  }

  /** One record by its sequence, from the chain export (the list route has no sequence filter). */
  async recordAt(sequence: number): Promise<AuditRecord | undefined> {
    const { body } = await this.get<{ records: AuditRecord[] }>(
      'auditrecord/export',
      { from: String(sequence), limit: '1' },
    );
    return body.records.find((record) => record.sequence === sequence);
  }

  /**
   * Verifies `from`..`to` (the whole chain when absent), call after call as `next` says, and answers
   * the first failing call or the last one, with `checked` summed over the calls.
   */
  async verify(
    from?: number,
    to?: number,
    progress: (checked: number) => void = () => undefined,
  ): Promise<ChainVerification> {
    let checked = 0;
    let start = from;
    for (let call = 0; ; call++) {
      const { body } = await this.get<ChainVerification>('auditrecord/verify', {
        from: start?.toString(),
        to: to?.toString(),
      });
      checked += body.checked;
      progress(checked);
      if (
        !body.valid ||
        body.next === undefined ||
        call + 1 >= MAX_VERIFY_CALLS
      ) {
        return { ...body, checked };
      }
      start = body.next;
    }
  }

  /** The newest signed checkpoint; undefined before the first or when checkpoints are not configured. */
  async latestCheckpoint(): Promise<Checkpoint | undefined> {
    try {
      return (await this.get<Checkpoint>('auditrecord/checkpoints/latest'))
        .body;
    } catch (error) {
      if (
        error instanceof ApiError &&
        (error.status === 404 || error.status === 409)
      ) {
        return undefined;
      }
      throw error;
    }
  }

  /** Answers whether the key may read the register: one small list call. */
  async checkKey(): Promise<void> {
    await this.get<AuditRecord[]>('auditrecord', { limit: '1' });
  }
}
