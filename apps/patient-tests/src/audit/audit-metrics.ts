import { Counter, metrics } from '@opentelemetry/api';

export type AuditFailureReason = 'timeout' | 'unreachable' | 'rejected';

let failures: Counter | undefined;

/**
 * Counts audit calls that failed, so the request failed closed with 503, by reason. Exported as the
 * custom metric `audit_failures` to Application Insights, for an alert on "audit is failing closed".
 * Without telemetry the global meter is a no-op.
 */
export function recordAuditFailure(reason: AuditFailureReason): void {
  failures ??= metrics
    .getMeter('patient-tests')
    .createCounter('audit_failures', {
      description: 'Audit calls that failed; each failed its request (503)',
    });
  failures.add(1, { reason });
}
