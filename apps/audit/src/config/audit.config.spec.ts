import { loadAuditConfig } from './audit.config';

const base = {
  API_KEYS: 'audit-key-0123456789abcdef',
};
const KEY_ID = 'https://my-vault.vault.azure.net/keys/audit-checkpoint';
const CONTAINER = 'https://account.blob.core.windows.net/audit-checkpoints';

const problems = (env: Record<string, string>) => {
  try {
    loadAuditConfig({ ...base, ...env });
    return [];
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
};

describe('audit configuration: checkpoints', () => {
  it('keeps checkpoints off by default, with a 300 s schedule for when they are on', () => {
    const config = loadAuditConfig(base);
    expect(config.CHECKPOINT_KEY_ID).toBeUndefined();
    expect(config.CHECKPOINT_DIR).toBeUndefined();
    expect(config.CHECKPOINT_INTERVAL_SECONDS).toBe(300);
  });

  it.each([
    [
      'a Key Vault key with a container',
      { CHECKPOINT_KEY_ID: KEY_ID, CHECKPOINT_CONTAINER_URL: CONTAINER },
    ],
    [
      'a Key Vault key with a folder',
      { CHECKPOINT_KEY_ID: KEY_ID, CHECKPOINT_DIR: '/tmp/x' },
    ],
    ['a folder alone (local key file)', { CHECKPOINT_DIR: '/tmp/x' }],
  ])('accepts %s', (_what, env) => {
    expect(problems(env)).toEqual([]);
  });

  it.each([
    [
      'a container without a Key Vault key',
      { CHECKPOINT_CONTAINER_URL: CONTAINER },
      'CHECKPOINT_KEY_ID: is required with CHECKPOINT_CONTAINER_URL',
    ],
    [
      'a container and a folder',
      {
        CHECKPOINT_KEY_ID: KEY_ID,
        CHECKPOINT_CONTAINER_URL: CONTAINER,
        CHECKPOINT_DIR: '/tmp/x',
      },
      'CHECKPOINT_DIR: set CHECKPOINT_CONTAINER_URL or CHECKPOINT_DIR, not both',
    ],
    [
      'a key with nowhere to store',
      { CHECKPOINT_KEY_ID: KEY_ID },
      'CHECKPOINT_KEY_ID: needs CHECKPOINT_CONTAINER_URL or CHECKPOINT_DIR to store checkpoints in',
    ],
    [
      'a versioned key id',
      { CHECKPOINT_KEY_ID: `${KEY_ID}/0123abcd`, CHECKPOINT_DIR: '/tmp/x' },
      expect.stringMatching(
        /^CHECKPOINT_KEY_ID: must be a versionless Key Vault key URL/,
      ),
    ],
    [
      'a key over plain HTTP',
      {
        CHECKPOINT_KEY_ID: KEY_ID.replace('https', 'http'),
        CHECKPOINT_DIR: '/tmp/x',
      },
      expect.stringMatching(/^CHECKPOINT_KEY_ID: /),
    ],
    [
      'a negative interval',
      { CHECKPOINT_INTERVAL_SECONDS: '-5' },
      'CHECKPOINT_INTERVAL_SECONDS: must be a whole number',
    ],
  ])('refuses %s', (_what, env, problem) => {
    expect(problems(env)).toContainEqual(problem);
  });
});

describe('audit configuration: behind API Management', () => {
  it('takes the public API URL without its trailing slash, and the explorer API base as given', () => {
    const config = loadAuditConfig({
      ...base,
      PUBLIC_API_URL: 'https://apim-x.azure-api.net/audit/api/',
      EXPLORER_API_BASE: '/audit/api/',
    });
    expect(config.PUBLIC_API_URL).toBe(
      'https://apim-x.azure-api.net/audit/api',
    );
    expect(config.EXPLORER_API_BASE).toBe('/audit/api/');
  });

  it('leaves both unset by default: links and the page follow the request', () => {
    const config = loadAuditConfig(base);
    expect(config.PUBLIC_API_URL).toBeUndefined();
    expect(config.EXPLORER_API_BASE).toBeUndefined();
  });

  it.each([
    ['another origin', 'https://elsewhere.example/audit/api/'],
    ['a protocol-relative URL', '//elsewhere.example/audit/api/'],
    ['a relative path', 'audit/api/'],
    ['no trailing slash', '/audit/api'],
    ['markup', '/audit/"><script>/'],
  ])('refuses an explorer API base that is %s', (_what, value) => {
    expect(problems({ EXPLORER_API_BASE: value })).toEqual([
      'EXPLORER_API_BASE: must be an absolute path on the same origin ending in /, e.g. /audit/api/',
    ]);
  });

  it('refuses a public API URL that is not http(s)', () => {
    expect(problems({ PUBLIC_API_URL: 'ftp://apim/audit/api' })).toEqual([
      'PUBLIC_API_URL: must be an http(s) URL, e.g. https://<apim>.azure-api.net/<API path>/api',
    ]);
  });
});
