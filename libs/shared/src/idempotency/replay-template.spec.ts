import { fromReplayTemplate, toReplayTemplate } from './replay-template';

const request = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  observations: [
    { code: 'glucose', measurement: '5.4', issued: '2024-01-01T00:00:00Z' },
  ],
};

const response = {
  id: 'b2c1e7f0-1d2e-4f3a-8b4c-5d6e7f8a9b0c',
  lastUpdated: new Date('2024-02-03T04:05:06.000Z'),
  firstName: 'Ada',
  lastName: 'Lovelace',
  observations: [
    {
      code: 'glucose',
      measurement: '5.4',
      issued: '2024-01-01T00:00:00.000Z',
    },
  ],
};

describe('replay templates', () => {
  it('keep only what the server decided: ids, times and the parts it changed', () => {
    const template = toReplayTemplate(response, request);

    expect(template.body).toEqual({
      id: response.id,
      lastUpdated: '2024-02-03T04:05:06.000Z',
      firstName: null,
      lastName: null,
      observations: [
        { code: null, measurement: null, issued: '2024-01-01T00:00:00.000Z' },
      ],
    });
    expect(JSON.stringify(template)).not.toMatch(/Ada|Lovelace|glucose|5\.4/);
  });

  it('give back the response as sent on the wire, in its own member order, from the replayed request', () => {
    const template = JSON.parse(
      JSON.stringify(toReplayTemplate(response, request)),
    );
    // A replay's body has the same fingerprint: the same content, in any member order.
    const replayed = {
      observations: request.observations,
      lastName: 'Lovelace',
      firstName: 'Ada',
    };

    const rebuilt = fromReplayTemplate(template, replayed);

    expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(response));
  });

  it('round-trip member names that need escaping in a JSON Pointer, and a whole body equal to the request', () => {
    const odd = { 'a/b': 'x', 'c~d': 'y' };
    const oddRequest = { 'a/b': 'x', 'c~d': 'y' };
    expect(
      fromReplayTemplate(toReplayTemplate(odd, oddRequest), oddRequest),
    ).toEqual({ 'a/b': 'x', 'c~d': 'y' });

    const same = toReplayTemplate(['a', 1], ['a', 1]);
    expect(same).toEqual({ body: null, fromRequest: [''] });
    expect(fromReplayTemplate(same, ['a', 1])).toEqual(['a', 1]);
  });

  it('keep a member named __proto__ a member when rebuilding', () => {
    const withProto = JSON.parse('{"id":"1","__proto__":"x"}');
    const requestWithProto = JSON.parse('{"__proto__":"x"}');

    const rebuilt = fromReplayTemplate(
      toReplayTemplate(withProto, requestWithProto),
      requestWithProto,
    ) as Record<string, unknown>;

    expect(Object.getPrototypeOf(rebuilt)).toBe(Object.prototype);
    expect(Object.hasOwn(rebuilt, '__proto__')).toBe(true);
  });

  it('keep the whole response when there was no request body', () => {
    expect(toReplayTemplate({ id: '1' }, undefined)).toEqual({
      body: { id: '1' },
      fromRequest: [],
    });
  });
});
