import { capabilityStatement } from './capability-statement';

describe('capabilityStatement', () => {
  const resources = capabilityStatement(
    'https://fhir.example/api/fhir',
    '2026-01-01',
  ).rest?.[0].resource;
  const inclusionsOf = (type: string) => {
    const resource = resources?.find((candidate) => candidate.type === type);
    expect(resource).toBeDefined();
    return {
      searchInclude: resource?.searchInclude,
      searchRevInclude: resource?.searchRevInclude,
    };
  };

  it('states no _include or _revinclude for Patient, whose search takes none', () => {
    expect(inclusionsOf('Patient')).toEqual({
      searchInclude: undefined,
      searchRevInclude: undefined,
    });
  });

  it("states DiagnosticReport's one _include and no _revinclude", () => {
    expect(inclusionsOf('DiagnosticReport')).toEqual({
      searchInclude: ['DiagnosticReport:result'],
      searchRevInclude: undefined,
    });
  });

  it("states Observation's one _revinclude and no _include", () => {
    expect(inclusionsOf('Observation')).toEqual({
      searchInclude: undefined,
      searchRevInclude: ['DiagnosticReport:result'],
    });
  });
});
