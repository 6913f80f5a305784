import { AsyncLocalStorage } from 'node:async_hooks';
import type { InvocationContext, TraceContext } from '@azure/functions';

/** The logging methods of the host's invocation logger (they reach Application Insights with the invocation). */
export type InvocationLogger = Pick<
  InvocationContext,
  'log' | 'trace' | 'debug' | 'info' | 'warn' | 'error'
>;

/** What the Azure Functions host tells about the invocation a request is served in. */
export interface FunctionInvocation {
  /** The host's id of this invocation, as shown in Application Insights. */
  readonly invocationId: string;
  readonly functionName: string;
  /** The host's W3C trace context for this invocation, when it sends one. */
  readonly traceContext?: TraceContext;
  /** The host's logger for this invocation. */
  readonly logger: InvocationLogger;
}

const invocations = new AsyncLocalStorage<FunctionInvocation>();

/**
 * The Azure Functions invocation the calling code runs in, or undefined outside Azure Functions
 * (plain HTTP host, tests). Nest code reaches it from anywhere in a request without a parameter,
 * because the adapter serves each request inside `AsyncLocalStorage.run`.
 */
export function currentInvocation(): FunctionInvocation | undefined {
  return invocations.getStore();
}

/** Runs `serve` with `invocation` as the current invocation. */
export function runInInvocation<T>(
  invocation: FunctionInvocation,
  serve: () => T,
): T {
  return invocations.run(invocation, serve);
}

/**
 * Runs `work` outside any invocation. The app is bootstrapped this way: timers, sockets and streams
 * created while it starts live for the whole process and must not keep the first invocation's context.
 */
export function runOutsideInvocation<T>(work: () => T): T {
  return invocations.exit(work);
}
