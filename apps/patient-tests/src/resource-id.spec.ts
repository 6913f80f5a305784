import { NotFoundError } from '@app/shared/errors';
import { ResourceIdPipe } from './resource-id';

const ID = '9f0c1a43-5b7e-4d2a-8c1e-2f3a4b5c6d7e';
const notFound = () => new NotFoundError('THING_NOT_FOUND', 'No thing.');

describe('ResourceIdPipe', () => {
  it('passes a server-assigned id through', () => {
    expect(new ResourceIdPipe(notFound).transform(ID)).toBe(ID);
  });

  it.each([
    'abc',
    '',
    ID.toUpperCase(),
    '9f0c1a43-5b7e-1d2a-8c1e-2f3a4b5c6d7e', // version 1
    `${ID}x`,
    ` ${ID}`,
    '{"$ne":null}',
  ])('answers the given error for %j', (value) => {
    expect(() => new ResourceIdPipe(notFound).transform(value)).toThrow(
      expect.objectContaining({ code: 'THING_NOT_FOUND', status: 404 }),
    );
  });
});
