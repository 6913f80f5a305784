import type { FastifyRequest } from 'fastify';
import { assignedIdOf } from './assigned-id.decorator';

const request = () => ({}) as FastifyRequest;

describe('assignedIdOf', () => {
  it('gives the same id to every reader of one request (the audit record and the handler)', () => {
    const creating = request();

    expect(assignedIdOf(creating)).toBe(assignedIdOf(creating));
  });

  it('gives each request its own UUID', () => {
    const first = assignedIdOf(request());
    const second = assignedIdOf(request());

    expect(first).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(second).not.toBe(first);
  });
});
