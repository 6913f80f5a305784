/** Valid request bodies, built fresh for each test so tests never share state. */
export const samplePatient = (overrides: Record<string, unknown> = {}) => ({
  firstName: 'Ada',
  lastName: 'Lovelace',
  fullName: 'Augusta Ada King',
  gender: 'female',
  dateOfBirth: '1815-12-10',
  postCode: '2000',
  insuranceNumber: `INS-${Math.random().toString(36).slice(2, 10)}`,
  preferredContactNumber: '+61 400 000 000',
  ...overrides,
});

export const sampleTest = (overrides: Record<string, unknown> = {}) => ({
  performer: 'Pathology lab 3',
  orderReference: `ORD-${Math.random().toString(36).slice(2, 10)}`,
  observations: [
    {
      id: 'obs-1',
      code: '718-7',
      measurement: '13.5 g/dL',
      interpretation: 'normal',
      status: 'final',
      issued: '2026-11-20T09:30:00Z',
    },
  ],
  ...overrides,
});
