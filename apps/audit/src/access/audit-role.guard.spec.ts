import { StaticApiKeys } from '@app/shared/http';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditRole, AuditRoleKeys, RequiresRole } from './audit-role';
import { AuditRoleGuard } from './audit-role.guard';

const APPEND_KEY = 'append-key-0123456789abcdef';
const READER_KEY = 'reader-key-0123456789abcdef';
const BOTH_KEY = 'both-roles-0123456789abcdef';

/** A route handler that declares `role`, or none. */
function routeOf(role?: AuditRole) {
  const handler = () => undefined;
  if (role) {
    RequiresRole(role)(
      handler,
      'handler',
      Object.getOwnPropertyDescriptor({ handler }, 'handler')!,
    );
  }
  return handler;
}

/** Whether the guard lets a request with `key` through to a route that needs `role`. */
function admits(
  keys: AuditRoleKeys,
  role: AuditRole | undefined,
  key: string,
): boolean {
  const context = {
    getHandler: () => routeOf(role),
    switchToHttp: () => ({
      getRequest: () => {
        const headers = { 'x-functions-key': key };
        return { headers, query: {}, raw: { headers } };
      },
    }),
  } as unknown as ExecutionContext;
  try {
    return new AuditRoleGuard(new Reflector(), keys).canActivate(context);
  } catch (error) {
    expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    return false;
  }
}

describe('AuditRoleGuard', () => {
  const separate = new AuditRoleKeys({
    append: new StaticApiKeys([APPEND_KEY]),
    reader: new StaticApiKeys([READER_KEY]),
  });

  it("admits a key to its own role's routes only", () => {
    expect(admits(separate, 'append', APPEND_KEY)).toBe(true);
    expect(admits(separate, 'reader', READER_KEY)).toBe(true);
    expect(admits(separate, 'reader', APPEND_KEY)).toBe(false);
    expect(admits(separate, 'append', READER_KEY)).toBe(false);
  });

  it('refuses every key on a route that declares no role', () => {
    expect(admits(separate, undefined, APPEND_KEY)).toBe(false);
    expect(admits(separate, undefined, READER_KEY)).toBe(false);
  });

  it('refuses a key that rotated lists put in both roles, for both, and keeps admitting the others', () => {
    const overlapping = new AuditRoleKeys({
      append: new StaticApiKeys([APPEND_KEY, BOTH_KEY]),
      reader: new StaticApiKeys([READER_KEY, BOTH_KEY]),
    });
    expect(admits(overlapping, 'append', BOTH_KEY)).toBe(false);
    expect(admits(overlapping, 'reader', BOTH_KEY)).toBe(false);
    expect(admits(overlapping, 'append', APPEND_KEY)).toBe(true);
    expect(admits(overlapping, 'reader', READER_KEY)).toBe(true);
  });
});
