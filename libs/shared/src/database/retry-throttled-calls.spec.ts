import type { mongo } from 'mongoose';
import { retryingCollection } from './retry-throttled-calls';

// RetryAfterMs=1 keeps the waits short; the retry policy itself is throttle-retry.spec.ts's subject.
const throttled = () =>
  Object.assign(new Error('Request rate is large. RetryAfterMs=1'), {
    code: 16500,
  });

const collectionOf = (methods: Record<string, jest.Mock>) =>
  retryingCollection(
    methods as unknown as mongo.Collection<{ _id: string | number }>,
  );

describe('retryingCollection', () => {
  it('runs a throttled driver call again, with the same arguments, until it succeeds', async () => {
    const insertOne = jest
      .fn()
      .mockRejectedValueOnce(throttled())
      .mockResolvedValueOnce({ acknowledged: true });

    await expect(
      collectionOf({ insertOne }).insertOne({ _id: 'a' }),
    ).resolves.toEqual({ acknowledged: true });
    expect(insertOne.mock.calls).toEqual([[{ _id: 'a' }], [{ _id: 'a' }]]);
  });

  it('does not retry any other error', async () => {
    const duplicate = Object.assign(new Error('E11000'), { code: 11000 });
    const updateOne = jest.fn().mockRejectedValue(duplicate);

    await expect(collectionOf({ updateOne }).updateOne({}, {})).rejects.toBe(
      duplicate,
    );
    expect(updateOne).toHaveBeenCalledTimes(1);
  });

  it("retries find(...).toArray() by running the find again (a cursor's failure is final)", async () => {
    const failing = { toArray: jest.fn().mockRejectedValue(throttled()) };
    const succeeding = { toArray: jest.fn().mockResolvedValue([{ _id: 1 }]) };
    const find = jest
      .fn()
      .mockReturnValueOnce(failing)
      .mockReturnValueOnce(succeeding);

    await expect(
      collectionOf({ find })
        .find({ _id: { $in: [1] } })
        .toArray(),
    ).resolves.toEqual([{ _id: 1 }]);
    expect(find.mock.calls).toEqual([
      [{ _id: { $in: [1] } }],
      [{ _id: { $in: [1] } }],
    ]);
  });
});
