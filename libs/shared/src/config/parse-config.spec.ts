import { z } from 'zod';
import {
  commonConfigShape,
  integerVariable,
  portVariable,
  requireApiKeysUnlessHostChecks,
} from './config-fields';
import { ConfigError, parseConfig } from './parse-config';

const KEY = 'key-0123456789abcdef';

/** An app schema assembled the way the apps assemble theirs. */
const schema = z
  .object({
    ...commonConfigShape,
    PORT: portVariable(7071),
    TIMEOUT_MS: integerVariable(2000, 1, 60000),
  })
  .refine(...requireApiKeysUnlessHostChecks({ hostChecksKeys: false }));

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the configuration parsed');
}

describe('parseConfig', () => {
  it('returns the typed configuration with defaults for unset variables', () => {
    const config = parseConfig(schema, { API_KEYS: ` ${KEY} ` });

    expect(config).toEqual({
      API_KEYS: [KEY],
      GATEWAY_SECRET: [],
      MONGODB_URI: 'mongodb://127.0.0.1:27017/',
      LOG_LEVEL: 'info',
      PORT: 7071,
      TIMEOUT_MS: 2000,
    });
  });

  it('returns a frozen configuration', () => {
    const config = parseConfig(schema, { API_KEYS: KEY });

    expect(Object.isFrozen(config)).toBe(true);
  });

  it('ignores variables the schema does not list', () => {
    const config = parseConfig(schema, { API_KEYS: KEY, HOME: '/root' });

    expect(config).not.toHaveProperty('HOME');
  });

  it('reports a missing API_KEYS together with other bad variables, not after they are fixed', () => {
    const error = configErrorOf(() =>
      parseConfig(schema, { LOG_LEVEL: 'loud' }),
    );

    expect(error.problems.map((problem) => problem.split(':')[0])).toEqual([
      'LOG_LEVEL',
      'API_KEYS',
    ]);
  });

  it('lists every bad variable at once, each by name', () => {
    const error = configErrorOf(() =>
      parseConfig(schema, {
        API_KEYS: `${KEY},too-short`,
        MONGODB_URI: 'http://localhost',
        LOG_LEVEL: 'loud',
        PORT: '99999',
        TIMEOUT_MS: '0',
      }),
    );

    expect(error.problems.map((problem) => problem.split(':')[0])).toEqual(
      expect.arrayContaining([
        'API_KEYS.1',
        'MONGODB_URI',
        'LOG_LEVEL',
        'PORT',
        'TIMEOUT_MS',
      ]),
    );
    expect(error.problems).toHaveLength(5);
    for (const problem of error.problems) {
      expect(error.message).toContain(`  - ${problem}`);
    }
  });

  it('reports an empty API_KEYS together with the other bad variables', () => {
    const error = configErrorOf(() => parseConfig(schema, { PORT: 'abc' }));

    expect(error.problems).toEqual([
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^API_KEYS: /),
    ]);
  });

  it('never echoes the values it rejects, since some are secrets', () => {
    const values = {
      API_KEYS: `${KEY},hunter2-secret`,
      MONGODB_URI: 'http://admin:s3cret-password@db.example.net',
      PORT: '7071x',
      TIMEOUT_MS: '424242424',
    };

    const error = configErrorOf(() => parseConfig(schema, values));

    expect(error.problems).toHaveLength(4);
    for (const value of [
      'hunter2-secret',
      's3cret-password',
      '7071x',
      '424242424',
    ]) {
      expect(error.message).not.toContain(value);
    }
  });

  it('starts its message with a heading and names itself ConfigError', () => {
    const error = configErrorOf(() => parseConfig(schema, {}));

    expect(error.name).toBe('ConfigError');
    expect(error.message).toMatch(/^Invalid configuration:\n {2}- API_KEYS: /);
  });

  it('labels a problem with the whole input as (root)', () => {
    const error = configErrorOf(() => parseConfig(z.string(), {}));

    expect(error.problems).toEqual([expect.stringMatching(/^\(root\): /)]);
  });
});
