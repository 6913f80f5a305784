import { UnavailableError } from '@app/shared/errors';
import type { Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditClient } from '../../apps/patient-tests/src/audit/audit-client';
import { AuditInterceptor } from '../../apps/patient-tests/src/audit/audit.interceptor';
import { strictProviderMock } from './controller-app';

/** The id the stub register gives every record it stores. */
export const AUDIT_RECORD_ID = '00000000-0000-4000-8000-00000000a0d1';

/** An audit register that records every entry. */
export const auditAccepts = () =>
  jest.fn().mockResolvedValue({ id: AUDIT_RECORD_ID });

/** An audit register that is down: the client's own error for any failed audit call. */
export const auditDown = () =>
  jest
    .fn()
    .mockRejectedValue(
      new UnavailableError(
        'AUDIT_UNAVAILABLE',
        'The audit register is unavailable, so the operation was not performed.',
        5,
        new Error('connect ECONNREFUSED 127.0.0.1:7072'),
      ),
    );

/** The patient-tests audit interceptor, as AuditModule registers it, over a stubbed audit client. */
export const auditProviders = (record: jest.Mock): Provider[] => [
  {
    provide: AuditClient,
    useValue: strictProviderMock<AuditClient>({ record }),
  },
  { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
];
