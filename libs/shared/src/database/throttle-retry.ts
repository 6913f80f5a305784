import { isThrottlingError } from './storage-errors';

export interface ThrottleRetryOptions {
  /** Total time budget for all attempts; past it the last throttling error is rethrown (-> 503). */
  deadlineMs: number;
  /** First backoff when the server gives no RetryAfterMs; doubles per attempt, with full jitter. */
  baseDelayMs: number;
  /** Upper bound for one backoff. */
  maxDelayMs: number;
}

export const DEFAULT_THROTTLE_RETRY: ThrottleRetryOptions = {
  deadlineMs: 5000,
  baseDelayMs: 50,
  maxDelayMs: 1000,
};

/** Cosmos DB says how long to wait in the message: "... RetryAfterMs=123, ...". */
export function retryAfterMsOf(error: unknown): number | undefined {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') {
    return undefined;
  }
  const match = /RetryAfterMs=(\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a database call, retrying Cosmos DB throttling (16500) with the server's RetryAfterMs or
 * exponential backoff with full jitter, within an overall deadline.
 *
 * Written here rather than taken from a retry library because the delay comes from the error's
 * message and the budget is a deadline, not an attempt count; the whole policy is these lines.
 * Only throttling is retried: a throttled request was not executed, so retrying it is safe.
 */
export async function withThrottleRetry<T>(
  operation: () => Promise<T>,
  options: ThrottleRetryOptions = DEFAULT_THROTTLE_RETRY,
  random: () => number = Math.random,
): Promise<T> {
  const deadline = Date.now() + options.deadlineMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isThrottlingError(error)) {
        throw error;
      }
      const backoff =
        Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt) *
        random();
      const delay = retryAfterMsOf(error) ?? backoff;
      if (Date.now() + delay > deadline) {
        throw error;
      }
      await sleep(delay);
    }
  }
}
