import { parseAuditEventSearch } from './audit-event-search';
import { recordFilterOf } from './audit-event-filter';
import { CALLER_SYSTEM } from './fhir-namespace';

describe('parsing an AuditEvent search', () => {
  it('reads references with or without a type or base, ORs values and ANDs repeated parameters', () => {
    const search = parseAuditEventSearch(
      {
        entity: 'Patient/p1,http://host/api/fhir/DiagnosticReport/t1',
        patient: ['p2', 'Patient/p3'],
        'entity:Patient': 'p4',
        _count: '500',
        code: 'the-key',
      },
      'strict',
    );
    expect(search.criteria).toEqual([
      {
        on: 'entity',
        anyOf: [
          { type: 'Patient', id: 'p1' },
          { type: 'DiagnosticReport', id: 't1' },
        ],
      },
      { on: 'patient', anyOf: ['p2'] },
      { on: 'patient', anyOf: ['p3'] },
      { on: 'entity', anyOf: [{ type: 'Patient', id: 'p4' }] },
    ]);
    // Capped at the register's largest page; the key is never a criterion nor repeated in links.
    expect(search.count).toBe(200);
    expect(search.applied.map(([name]) => name)).toEqual([
      'entity',
      'patient',
      'patient',
      'entity:Patient',
    ]);
  });

  it('keeps agent:identifier values of our caller system and matches nothing for another', () => {
    const search = parseAuditEventSearch(
      { 'agent:identifier': `${CALLER_SYSTEM}|key:1234abcd,other|key:1` },
      'strict',
    );
    expect(search.criteria).toEqual([{ on: 'agent', anyOf: ['key:1234abcd'] }]);
    const nothing = parseAuditEventSearch(
      { 'agent:identifier': 'other|key:1' },
      'strict',
    );
    expect(recordFilterOf(nothing.criteria)).toBeUndefined();
  });

  it('ignores unknown parameters under lenient handling and names them', () => {
    const search = parseAuditEventSearch(
      {
        _sort: '-date',
        'foo:bar': 'x',
        _include: 'a,'.repeat(50),
        patient: 'p1',
      },
      'lenient',
    );
    expect(search.ignored).toEqual(['_sort', 'foo:bar', '_include']);
    expect(search.applied).toEqual([['patient', 'p1']]);
  });

  it('refuses unknown parameters under strict handling', () => {
    expect(() => parseAuditEventSearch({ _sort: '-date' }, 'strict')).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'UNKNOWN_SEARCH_PARAMETER',
      }),
    );
  });

  it.each([
    [{ 'entity:not': 'Patient/p1' }],
    [{ 'patient:missing': 'true' }],
    [{ 'agent:text': 'x' }],
    [{ 'date:missing': 'true' }],
    [{ '_id:not': 'x' }],
  ])('refuses an unsupported modifier %j under either handling', (query) => {
    for (const handling of ['strict', 'lenient'] as const) {
      expect(() => parseAuditEventSearch(query, handling)).toThrow(
        expect.objectContaining({
          status: 400,
          code: 'UNSUPPORTED_SEARCH_MODIFIER',
        }),
      );
    }
  });
});

describe('the register filter of an AuditEvent search', () => {
  const filterOf = (query: Record<string, unknown>) =>
    recordFilterOf(parseAuditEventSearch(query, 'strict').criteria);

  it('matches a patient where it is named or touched, a test as DiagnosticReport, an attempt as AuditEvent', () => {
    expect(
      filterOf({ entity: 'Patient/p1,DiagnosticReport/t1,AuditEvent/a1' }),
    ).toEqual({
      $and: [
        {
          $or: [
            { patientIds: 'p1' },
            { 'resource.type': 'patient', 'resource.id': 'p1' },
            { 'resource.type': 'test', 'resource.id': 't1' },
            { attemptId: 'a1' },
          ],
        },
      ],
    });
  });

  it('matches nothing, without asking the database, for a type the register does not hold', () => {
    expect(filterOf({ entity: 'Observation/o1' })).toBeUndefined();
    expect(filterOf({ entity: 'Observation/o1,Patient/p1' })).toBeDefined();
  });

  it('ANDs date ranges on the record time', () => {
    expect(filterOf({ date: ['ge2026-01-01', 'lt2026-02-01'] })).toEqual({
      $and: [
        { createdDate: { $gte: new Date('2026-01-01T00:00:00Z') } },
        { createdDate: { $lt: new Date('2026-02-01T00:00:00Z') } },
      ],
    });
    expect(filterOf({})).toEqual({});
  });
});
