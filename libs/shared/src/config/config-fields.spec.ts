import { z } from 'zod';
import {
  integerVariable,
  logLevelVariable,
  mongoUriVariable,
  portVariable,
  requireApiKeysUnlessHostChecks,
  secretListVariable,
} from './config-fields';

const KEY_A = 'key-a-0123456789abcdef';
const KEY_B = 'key-b-0123456789abcdef';

describe('secretListVariable (API_KEYS)', () => {
  it('splits a comma-separated list and trims the whitespace around each key', () => {
    expect(secretListVariable.parse(` ${KEY_A} ,\t${KEY_B}  `)).toEqual([
      KEY_A,
      KEY_B,
    ]);
  });

  it('drops empty items, so a trailing or doubled comma adds no empty key', () => {
    expect(secretListVariable.parse(`${KEY_A},, ,${KEY_B},`)).toEqual([
      KEY_A,
      KEY_B,
    ]);
  });

  it('is an empty list when unset or blank', () => {
    expect(secretListVariable.parse(undefined)).toEqual([]);
    expect(secretListVariable.parse(' , ')).toEqual([]);
  });

  it('rejects a key shorter than 16 characters, naming its position', () => {
    const result = secretListVariable.safeParse(`${KEY_A},fifteen-chars!!`);

    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: [1],
        message: 'each key must be at least 16 characters',
      }),
    ]);
  });

  it('accepts a key of exactly 16 characters', () => {
    expect(secretListVariable.parse('sixteen-chars!!!')).toEqual([
      'sixteen-chars!!!',
    ]);
  });
});

describe('requireApiKeysUnlessHostChecks', () => {
  const schemaFor = (hostChecksKeys: boolean) =>
    z
      .object({ API_KEYS: secretListVariable })
      .refine(...requireApiKeysUnlessHostChecks({ hostChecksKeys }));

  it('rejects an empty API_KEYS when nothing in front of the app checks keys', () => {
    const result = schemaFor(false).safeParse({});

    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['API_KEYS'] }),
    ]);
  });

  it('ignores FUNCTIONS_WORKER_RUNTIME: only the entry point says the host checks keys', () => {
    expect(
      schemaFor(false).safeParse({ FUNCTIONS_WORKER_RUNTIME: 'node' }).success,
    ).toBe(false);
  });

  it('allows an empty API_KEYS when the host checks keys (Azure Functions)', () => {
    expect(schemaFor(true).parse({})).toEqual({ API_KEYS: [] });
  });

  it('accepts configured keys on a plain host', () => {
    expect(schemaFor(false).parse({ API_KEYS: KEY_A }).API_KEYS).toEqual([
      KEY_A,
    ]);
  });
});

describe('portVariable', () => {
  it('uses the default port when unset', () => {
    expect(portVariable(7071).parse(undefined)).toBe(7071);
  });

  it.each([
    ['0', 0],
    ['8080', 8080],
    ['65535', 65535],
  ])('reads %j as the port %d', (value, port) => {
    expect(portVariable(7071).parse(value)).toBe(port);
  });

  it.each(['65536', '99999', '-1', '80.5', 'http', '', '123456'])(
    'rejects %j',
    (value) => {
      expect(portVariable(7071).safeParse(value).success).toBe(false);
    },
  );
});

describe('integerVariable', () => {
  const timeout = integerVariable(2000, 1, 60000);

  it('uses the default when unset and reads whole numbers within its bounds', () => {
    expect(timeout.parse(undefined)).toBe(2000);
    expect(timeout.parse('1')).toBe(1);
    expect(timeout.parse('60000')).toBe(60000);
  });

  it.each(['0', '60001', '1.5', '-5', '2s', ''])('rejects %j', (value) => {
    expect(timeout.safeParse(value).success).toBe(false);
  });
});

describe('mongoUriVariable', () => {
  it.each([
    'mongodb://127.0.0.1:27017/',
    'mongodb+srv://user:secret@cluster.example.net/?retryWrites=false',
  ])('accepts %s', (uri) => {
    expect(mongoUriVariable.parse(uri)).toBe(uri);
  });

  it.each(['http://localhost:27017', 'localhost:27017', 'postgres://x'])(
    'rejects %s',
    (uri) => {
      expect(mongoUriVariable.safeParse(uri).success).toBe(false);
    },
  );

  it('defaults to a local server', () => {
    expect(mongoUriVariable.parse(undefined)).toBe(
      'mongodb://127.0.0.1:27017/',
    );
  });
});

describe('logLevelVariable', () => {
  it('defaults to info, accepts pino levels and rejects others', () => {
    expect(logLevelVariable.parse(undefined)).toBe('info');
    expect(logLevelVariable.parse('silent')).toBe('silent');
    expect(logLevelVariable.safeParse('verbose').success).toBe(false);
  });
});
