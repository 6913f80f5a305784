import { samplePatient, sampleTest } from '../support/samples';
import { startStack } from './support/stack';

type Stack = Awaited<ReturnType<typeof startStack>>;

/** What a NoSQL injection puts where a string belongs. */
const OPERATORS: unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $regex: '.*' },
  { $where: 'sleep(100)' },
  ['x'],
  42,
  true,
  null,
];

const stringFieldsOf = (value: Record<string, unknown>) =>
  Object.entries(value)
    .filter(([, field]) => typeof field === 'string')
    .map(([name]) => name);

describe('NoSQL injection: operators and objects where strings belong', () => {
  let stack: Stack;
  let patientId: string;

  beforeAll(async () => {
    stack = await startStack();
    patientId = (
      await stack.patientTests.client.post('/patient', samplePatient())
    ).body.id;
  });

  afterAll(() => stack.close());

  const expect400 = (status: number, where: string) =>
    expect({ where, status }).toEqual({ where, status: 400 });

  it('answers 400 for every string field of a patient, on create and on update', async () => {
    const body = samplePatient();
    for (const field of stringFieldsOf(body)) {
      for (const operator of OPERATORS) {
        const bad = { ...body, [field]: operator };
        expect400(
          (await stack.patientTests.client.post('/patient', bad)).status,
          `POST ${field}=${JSON.stringify(operator)}`,
        );
        expect400(
          (await stack.patientTests.client.put(`/patient/${patientId}`, bad))
            .status,
          `PUT ${field}=${JSON.stringify(operator)}`,
        );
      }
    }
  });

  it('answers 400 for every search criterion', async () => {
    const criteria = [
      'id',
      'firstName',
      'lastName',
      'fullName',
      'gender',
      'postCode',
      'insuranceNumber',
      'preferredContactNumber',
      'dateOfBirthFrom',
      'dateOfBirthTo',
    ];
    for (const field of criteria) {
      for (const operator of OPERATORS) {
        const response = await stack.patientTests.client.post(
          '/patient/search',
          { [field]: operator },
        );
        expect400(response.status, `${field}=${JSON.stringify(operator)}`);
      }
    }
  });

  it('answers 400 for every string field of a test and of its observations', async () => {
    const body = sampleTest();
    const observation = body.observations[0];
    for (const operator of OPERATORS) {
      for (const field of stringFieldsOf(body)) {
        const response = await stack.patientTests.client.post(
          `/patient/${patientId}/tests`,
          { ...body, [field]: operator },
        );
        expect400(response.status, `test.${field}=${JSON.stringify(operator)}`);
      }
      for (const field of stringFieldsOf(observation)) {
        const response = await stack.patientTests.client.post(
          `/patient/${patientId}/tests`,
          {
            ...body,
            observations: [{ ...observation, [field]: operator }],
          },
        );
        expect400(
          response.status,
          `observation.${field}=${JSON.stringify(operator)}`,
        );
      }
    }
  });

  it('answers 400 for every string field of an audit record', async () => {
    const body = {
      sourceSystemName: 'injection',
      resource: { type: 'patient', id: 'p', operation: 'read' },
      patientIds: ['p'],
      outcome: 200,
    };
    for (const operator of OPERATORS) {
      expect400(
        (
          await stack.audit.appender.post('/auditrecord', {
            ...body,
            patientIds: [operator],
          })
        ).status,
        `patientIds=[${JSON.stringify(operator)}]`,
      );
      expect400(
        (
          await stack.audit.appender.post('/auditrecord', {
            ...body,
            sourceSystemName: operator,
          })
        ).status,
        `sourceSystemName=${JSON.stringify(operator)}`,
      );
      for (const field of ['type', 'id', 'operation']) {
        const response = await stack.audit.appender.post('/auditrecord', {
          ...body,
          resource: { ...body.resource, [field]: operator },
        });
        expect400(
          response.status,
          `resource.${field}=${JSON.stringify(operator)}`,
        );
      }
    }
  });

  it('answers 400 for operator syntax in every query parameter', async () => {
    for (const parameter of [
      'resourceType',
      'resourceId',
      'patientId',
      'correlationId',
      'from',
      'to',
      'limit',
      'continuationToken',
    ]) {
      for (const query of [
        `${parameter}[$ne]=x`,
        `${parameter}[$gt]=`,
        `${parameter}=a&${parameter}=b`,
      ]) {
        expect400(
          (await stack.audit.client.get(`/auditrecord?${query}`)).status,
          query,
        );
      }
    }
    for (const query of [
      'limit[$gt]=1',
      'continuationToken[$ne]=x',
      'limit=1&limit=2',
    ]) {
      expect400(
        (await stack.patientTests.client.post(`/patient/search?${query}`, {}))
          .status,
        query,
      );
    }
  });

  it('treats operators in the path as ids that name nothing: 404, never 200 or 500', async () => {
    for (const segment of ['{"$ne":null}', '$ne', '[$gt]', '{"$gt":""}']) {
      const encoded = encodeURIComponent(segment);
      expect(
        (await stack.patientTests.client.get(`/patient/${encoded}`)).status,
      ).toBe(404);
      expect(
        (await stack.patientTests.client.get(`/patient/${encoded}/tests`))
          .status,
      ).toBe(404);
      expect(
        (
          await stack.patientTests.client.get(
            `/patient/${patientId}/tests/${encoded}`,
          )
        ).status,
      ).toBe(404);
      // Creating a test needs a well-formed patient id: a malformed one is the client's error.
      expect(
        (
          await stack.patientTests.client.post(
            `/patient/${encoded}/tests`,
            sampleTest(),
          )
        ).status,
      ).toBe(400);
    }
  });
});
