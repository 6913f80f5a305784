import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';

export interface LoggingOptions {
  level: string;
  /** Human-readable output for a developer's terminal; JSON lines everywhere else. */
  pretty: boolean;
  /** Where the lines go instead of stdout, unformatted (a test passes a stream to read them). */
  destination?: DestinationStream;
}

/**
 * Structured logs (pino): nestjs-pino's logger for everything the app writes. Requests are logged by
 * `logRequests` (request-logging.ts) from Fastify hooks, so the module's own request middleware is
 * mounted on no route (`forRoutes: []`).
 */
export function loggerParams({
  level,
  pretty,
  destination,
}: LoggingOptions): Params {
  const options = {
    level,
    // pino refuses a transport together with a destination stream.
    transport:
      pretty && !destination
        ? { target: 'pino-pretty', options: { singleLine: true } }
        : undefined,
  };
  return {
    pinoHttp: destination ? [options, destination] : options,
    forRoutes: [],
  };
}

/** Pretty logs only in an interactive terminal outside Azure Functions. */
export const wantsPrettyLogs = () =>
  Boolean(process.stdout.isTTY) && !process.env.FUNCTIONS_WORKER_RUNTIME;
