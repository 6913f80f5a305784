import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { correlationIdOf } from '../correlation/correlation';
import { HEALTH_PATH } from '../http/constants';
import { redactUrl } from './redact-url';

export interface LoggingOptions {
  level: string;
  /** Human-readable output for a developer's terminal; JSON lines everywhere else. */
  pretty: boolean;
}

/**
 * Structured request logs (pino) with the correlation id on every line. Only method, redacted URL,
 * status and timing are logged: no headers (keys), no bodies (patient data).
 */
export function loggerParams({ level, pretty }: LoggingOptions): Params {
  return {
    pinoHttp: {
      level,
      genReqId: (req: IncomingMessage) => correlationIdOf(req),
      customProps: (req: IncomingMessage) => ({
        correlationId: correlationIdOf(req),
      }),
      serializers: {
        req: (req: IncomingMessage) => ({
          method: req.method,
          url: redactUrl(req.url ?? ''),
        }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
      // Probes are not requests anyone investigates. Nest's middleware layer has already cut the
      // mount path from `url` when this runs; `originalUrl` keeps the whole path.
      autoLogging: {
        ignore: (req: IncomingMessage & { originalUrl?: string }) =>
          (req.originalUrl ?? req.url ?? '').split('?')[0] === HEALTH_PATH,
      },
      transport: pretty
        ? { target: 'pino-pretty', options: { singleLine: true } }
        : undefined,
    },
  };
}

/** Pretty logs only in an interactive terminal outside Azure Functions. */
export const wantsPrettyLogs = () =>
  Boolean(process.stdout.isTTY) && !process.env.FUNCTIONS_WORKER_RUNTIME;
