import { generateKeyPairSync, sign } from 'node:crypto';
import { strictMock } from '@test/strict-mock';
import type { AuditRecordDocument } from '../audit-records/audit-record.schema';
import { AuditRecordsRepository } from '../audit-records/audit-records.repository';
import type { AuditConfig } from '../config/audit.config';
import { Checkpoint, signedPayload } from './checkpoint';
import { CheckpointSigner } from './checkpoint-signer';
import { CheckpointExistsError, CheckpointStore } from './checkpoint-store';
import { CheckpointsService } from './checkpoints.service';

const { privateKey, publicKey } = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
});
const KEY_ID = 'local:0123456789abcdef';

/** What the repository's head() answers. */
const position = (sequence: number, hash = 'a'.repeat(64)) => ({
  sequence,
  hash,
});
/** A stored record, as at() answers it. */
const head = (sequence: number, hash = 'a'.repeat(64)) =>
  ({ _id: sequence, hash }) as AuditRecordDocument;

function signed(sequence: number, hash = 'a'.repeat(64)): Checkpoint {
  const statement = {
    sequence,
    hash,
    createdDate: '2026-01-01T00:00:00.000Z',
  };
  return {
    ...statement,
    algorithm: 'ES256',
    keyId: KEY_ID,
    signature: sign('sha256', signedPayload(statement), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url'),
  };
}

const config = { CHECKPOINT_INTERVAL_SECONDS: 0 } as AuditConfig;

function setUp(
  repositoryStubs: Parameters<typeof strictMock<AuditRecordsRepository>>[0],
  stored: Checkpoint[],
  create = jest.fn().mockResolvedValue(undefined),
) {
  const repository = strictMock<AuditRecordsRepository>(repositoryStubs);
  const store = strictMock<CheckpointStore>({
    newest: jest.fn((count: number) =>
      Promise.resolve(
        stored.slice(0, count).map((checkpoint) => ({ name: 'n', checkpoint })),
      ),
    ),
    create,
  });
  const signer = strictMock<CheckpointSigner>({
    sign: jest.fn((payload: Buffer) =>
      Promise.resolve({
        keyId: KEY_ID,
        signature: sign('sha256', payload, {
          key: privateKey,
          dsaEncoding: 'ieee-p1363',
        }).toString('base64url'),
      }),
    ),
    publicKey: jest.fn((keyId: string) =>
      Promise.resolve(keyId === KEY_ID ? publicKey : undefined),
    ),
  });
  return {
    store,
    signer,
    service: new CheckpointsService(repository, config, store, signer),
  };
}

describe('CheckpointsService.create', () => {
  it('signs the head and stores the checkpoint', async () => {
    const { service, store, signer } = setUp(
      { head: jest.fn().mockResolvedValue(position(7)) },
      [],
    );

    const checkpoint = await service.create();

    expect(checkpoint).toMatchObject({
      sequence: 7,
      hash: 'a'.repeat(64),
      algorithm: 'ES256',
      keyId: KEY_ID,
    });
    expect(signer.sign).toHaveBeenCalledWith(signedPayload(checkpoint));
    expect(store.create).toHaveBeenCalledWith(checkpoint);
  });

  it('answers the newest checkpoint without signing while the head has not moved', async () => {
    const newest = signed(7);
    const { service, signer } = setUp(
      {
        head: jest.fn().mockResolvedValue(position(7)),
        at: jest.fn().mockResolvedValue(head(7)),
      },
      [newest],
    );

    expect(await service.create()).toEqual(newest);
    expect(signer.sign).not.toHaveBeenCalled();
  });

  it('refuses to sign a chain that ends before the newest checkpoint', async () => {
    const { service, signer } = setUp(
      { head: jest.fn().mockResolvedValue(position(5)) },
      [signed(9)],
    );

    await expect(service.create()).rejects.toMatchObject({
      code: 'CHAIN_INCONSISTENT',
      status: 409,
    });
    expect(signer.sign).not.toHaveBeenCalled();
  });

  it('answers the checkpoint another instance stored first for the same head', async () => {
    const winner = signed(7);
    const stored: Checkpoint[] = [];
    const { service } = setUp(
      {
        head: jest.fn().mockResolvedValue(position(7)),
        at: jest.fn().mockResolvedValue(head(7)),
      },
      stored,
      jest.fn(() => {
        stored.push(winner);
        return Promise.reject(new CheckpointExistsError(7));
      }),
    );

    expect(await service.create()).toEqual(winner);
  });

  it('answers 409 when no store is configured, and 409 for an empty register', async () => {
    const repository = strictMock<AuditRecordsRepository>({});
    await expect(
      new CheckpointsService(repository, config, null, null).create(),
    ).rejects.toMatchObject({
      code: 'CHECKPOINTS_NOT_CONFIGURED',
      status: 409,
    });

    const { service } = setUp(
      { head: jest.fn().mockResolvedValue(position(0, '0'.repeat(64))) },
      [],
    );
    await expect(service.create()).rejects.toMatchObject({
      code: 'CHAIN_EMPTY',
      status: 409,
    });
  });

  it('answers 503 when the checkpoint store cannot be reached, not a 500', async () => {
    const { service } = setUp(
      { head: jest.fn().mockResolvedValue(position(7)) },
      [],
      jest.fn().mockRejectedValue(new Error('connect ECONNREFUSED')),
    );
    await expect(service.create()).rejects.toMatchObject({
      code: 'CHECKPOINTS_UNAVAILABLE',
      status: 503,
    });
  });
});
