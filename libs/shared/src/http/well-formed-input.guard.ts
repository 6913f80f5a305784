import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BadRequestError } from '../errors/domain-error';
import { hasLoneSurrogate } from '../text/well-formed-text';

/**
 * Deeper than any body this API takes (a test's observations are 3 levels down), far below what
 * would exhaust the stack of code that walks a body recursively (canonical JSON, validation).
 */
export const MAX_INPUT_DEPTH = 32;

type Defect = 'lone-surrogate' | 'too-deep';

/** The first defect in a parsed JSON value, walked with an explicit stack so no depth can overflow it. */
function defectIn(value: unknown): Defect | undefined {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const current = next.value;
    if (typeof current === 'string') {
      if (hasLoneSurrogate(current)) {
        return 'lone-surrogate';
      }
      continue;
    }
    if (current === null || typeof current !== 'object') {
      continue;
    }
    if (next.depth >= MAX_INPUT_DEPTH) {
      return 'too-deep';
    }
    for (const [key, member] of Object.entries(current)) {
      if (hasLoneSurrogate(key)) {
        return 'lone-surrogate';
      }
      pending.push({ value: member, depth: next.depth + 1 });
    }
  }
  return undefined;
}

const PARTS = ['body', 'query', 'params'] as const;
const PART_NAMES: Record<(typeof PARTS)[number], string> = {
  body: 'body',
  query: 'query string',
  params: 'path',
};

/**
 * Global guard: refuses (400) a request whose body, query or path holds a lone surrogate or nests
 * deeper than `MAX_INPUT_DEPTH`.
 *
 * Why refuse rather than repair: a lone surrogate has no UTF-8 form, so the driver stores U+FFFD
 * where the client sent something else; the audit register would then hash one string and store
 * another, and its chain would never verify again. Replacing it here instead would silently change
 * what the client asked for (an id, a name). A guard, because guards run before every interceptor:
 * nothing is audited, fingerprinted or stored before the input is known to be well formed.
 */
@Injectable()
export class WellFormedInputGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    for (const part of PARTS) {
      switch (defectIn(request[part])) {
        case 'lone-surrogate':
          throw new BadRequestError(
            'MALFORMED_TEXT',
            `The ${PART_NAMES[part]} holds text that is not valid Unicode (an unpaired surrogate).`,
          );
        case 'too-deep':
          throw new BadRequestError(
            'TOO_DEEPLY_NESTED',
            `The ${PART_NAMES[part]} nests deeper than ${MAX_INPUT_DEPTH} levels.`,
          );
        case undefined:
          break;
      }
    }
    return true;
  }
}
