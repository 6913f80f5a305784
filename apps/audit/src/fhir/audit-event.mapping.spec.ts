import type { AuditRecord } from '../audit-records/audit-record.dto';
import { outcomeOf, toAuditEvent } from './audit-event.mapping';

const record = (overrides: Partial<AuditRecord> = {}): AuditRecord => ({
  id: '5b0f3a4e-5a6b-4c1d-8e2f-0a1b2c3d4e5f',
  sequence: 7,
  createdDate: '2026-11-29T21:00:00.123Z',
  sourceSystemName: 'patient-tests',
  resource: { type: 'patient', id: 'p1', operation: 'read' },
  patientIds: ['p1'],
  outcome: 200,
  correlationId: 'a'.repeat(32),
  actor: 'key:3c9a1f20',
  clientAddress: '10.0.0.4',
  previousHash: '0'.repeat(64),
  hash: 'f'.repeat(64),
  ...overrides,
});

describe('a register record as an AuditEvent', () => {
  it.each([
    [200, '0'],
    [304, '0'],
    [404, '4'],
    [412, '4'],
    [500, '12'],
    [503, '8'],
    [504, '8'],
  ])('reads HTTP %i as outcome %s', (status, outcome) => {
    expect(outcomeOf(status)).toBe(outcome);
  });

  it('leaves an attempt without outcome, and says it was attempted', () => {
    const event = toAuditEvent(record({ outcome: 'attempted' }));
    expect(event).not.toHaveProperty('outcome');
    expect(event.outcomeDesc).toBe('attempted');
  });

  it('keeps an operation FHIR has no interaction for in the register code system, with no action', () => {
    const event = toAuditEvent(
      record({ resource: { type: 'patient', operation: 'constructor' } }),
    );
    expect(event).not.toHaveProperty('action');
    expect(event.subtype).toEqual([
      {
        system: 'urn:patient-tests-platform:fhir:audit-operation',
        code: 'constructor',
      },
    ]);
  });

  it('keeps ids that are not FHIR ids as identifiers, and unverified claims on their agent', () => {
    const event = toAuditEvent(
      record({
        patientIds: ['not a fhir id'],
        unverified: { actor: 'subscription:claimed' },
      }),
    );
    expect(event.entity![0].what).toEqual({
      identifier: {
        system: 'urn:patient-tests-platform:fhir:sid:patient-id',
        value: 'not a fhir id',
      },
    });
    expect(event.agent).toEqual([
      expect.objectContaining({
        requestor: true,
        extension: [
          {
            url: 'urn:patient-tests-platform:fhir:extension:unverified-caller',
            extension: [{ url: 'actor', valueString: 'subscription:claimed' }],
          },
        ],
      }),
    ]);
  });
});
