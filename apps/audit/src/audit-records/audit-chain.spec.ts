import { chainHash, ChainedContent, GENESIS_HASH } from './audit-chain';

const content = (): ChainedContent => ({
  sequence: 1,
  previousHash: GENESIS_HASH,
  id: '00000000-0000-4000-8000-000000000001',
  createdDate: '2026-01-01T00:00:00.000Z',
  sourceSystemName: 'patient-tests',
  resource: { type: 'patient', id: 'p-1', operation: 'read' },
  correlationId: '4bf92f3577b34da6a3ce929d0e0e4736',
});

describe('chainHash', () => {
  it('is the SHA-256 of the canonical content, whatever the key order', () => {
    const reordered = Object.fromEntries(
      Object.entries(content()).reverse(),
    ) as unknown as ChainedContent;
    expect(chainHash(reordered)).toBe(chainHash(content()));
    expect(chainHash(content())).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['the sequence', { sequence: 2 }],
    ['the previous hash', { previousHash: 'f'.repeat(64) }],
    [
      'the resource',
      { resource: { type: 'patient', id: 'p-2', operation: 'read' } },
    ],
    ['the actor', { actor: 'key:someone' }],
  ])('changes when %s changes', (_what, change) => {
    expect(chainHash({ ...content(), ...change })).not.toBe(
      chainHash(content()),
    );
  });
});
