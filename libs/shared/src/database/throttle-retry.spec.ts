import {
  retryAfterMsOf,
  ThrottleRetryOptions,
  withThrottleRetry,
} from './throttle-retry';

const throttled = (message = 'Request rate is large.') =>
  Object.assign(new Error(message), { code: 16500 });

const OPTIONS: ThrottleRetryOptions = {
  deadlineMs: 5000,
  baseDelayMs: 100,
  maxDelayMs: 300,
};

describe('withThrottleRetry', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('returns the result of a call that succeeds, calling it once', async () => {
    const operation = jest.fn().mockResolvedValue('stored');

    await expect(withThrottleRetry(operation, OPTIONS)).resolves.toBe('stored');
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it('retries a throttled call (16500) until it succeeds', async () => {
    const operation = jest
      .fn()
      .mockRejectedValueOnce(throttled())
      .mockRejectedValueOnce(throttled())
      .mockResolvedValue('stored');

    const result = withThrottleRetry(operation, OPTIONS, () => 0);
    await jest.runAllTimersAsync();

    await expect(result).resolves.toBe('stored');
    expect(operation).toHaveBeenCalledTimes(3);
  });

  it('waits exactly the RetryAfterMs the server asks for before retrying', async () => {
    const operation = jest
      .fn()
      .mockRejectedValueOnce(
        throttled('Request rate is large. RetryAfterMs=250, Details=x'),
      )
      .mockResolvedValue('stored');

    const result = withThrottleRetry(operation, OPTIONS, () => 1);
    await jest.advanceTimersByTimeAsync(249);
    expect(operation).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);

    expect(operation).toHaveBeenCalledTimes(2);
    await expect(result).resolves.toBe('stored');
  });

  it('backs off exponentially with jitter, capped at maxDelayMs, when the server names no delay', async () => {
    const operation = jest
      .fn()
      .mockRejectedValueOnce(throttled())
      .mockRejectedValueOnce(throttled())
      .mockRejectedValueOnce(throttled())
      .mockResolvedValue('stored');
    // Half of the full-jitter range: waits of 50, 100 and then 150 (half the 300 cap, not 200).
    const result = withThrottleRetry(operation, OPTIONS, () => 0.5);

    const callsAt = async (elapsedMs: number) => {
      await jest.advanceTimersByTimeAsync(elapsedMs);
      return operation.mock.calls.length;
    };
    expect(await callsAt(49)).toBe(1);
    expect(await callsAt(1)).toBe(2); // t = 50
    expect(await callsAt(99)).toBe(2);
    expect(await callsAt(1)).toBe(3); // t = 150
    expect(await callsAt(149)).toBe(3);
    expect(await callsAt(1)).toBe(4); // t = 300
    await expect(result).resolves.toBe('stored');
  });

  it('gives up when the next wait would pass the deadline and rethrows the last throttling error', async () => {
    const last = throttled('third RetryAfterMs=400');
    const operation = jest
      .fn()
      .mockRejectedValueOnce(throttled('first RetryAfterMs=400'))
      .mockRejectedValueOnce(throttled('second RetryAfterMs=400'))
      .mockRejectedValueOnce(last)
      .mockResolvedValue('too late');

    const outcome = expect(
      withThrottleRetry(operation, { ...OPTIONS, deadlineMs: 1000 }),
    ).rejects.toBe(last);
    await jest.advanceTimersByTimeAsync(2000);

    await outcome;
    // Attempts at 0, 400 and 800 ms; a fourth at 1200 ms would be past the deadline.
    expect(operation).toHaveBeenCalledTimes(3);
  });

  it.each([
    [
      'a duplicate key error',
      Object.assign(new Error('E11000'), { code: 11000 }),
    ],
    [
      'an unreachable database',
      Object.assign(new Error('down'), { name: 'MongoNetworkError' }),
    ],
    ['a plain Error', new Error('bug')],
    ['a thrown string', 'boom'],
  ])('passes %s through at once, without retrying', async (_what, error) => {
    const operation = jest.fn().mockRejectedValue(error);

    await expect(withThrottleRetry(operation, OPTIONS)).rejects.toBe(error);
    expect(operation).toHaveBeenCalledTimes(1);
  });
});

describe('retryAfterMsOf', () => {
  it('reads the delay Cosmos DB puts in the message', () => {
    expect(
      retryAfterMsOf(throttled('Error=16500, RetryAfterMs=123, Details=...')),
    ).toBe(123);
  });

  it.each([
    ['a message without a delay', throttled('Request rate is large.')],
    ['an error without a message', { code: 16500 }],
    ['null', null],
    ['undefined', undefined],
  ])('is undefined for %s', (_what, error) => {
    expect(retryAfterMsOf(error)).toBeUndefined();
  });
});
