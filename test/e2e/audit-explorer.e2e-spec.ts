import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ROOT } from '../../scripts/lib/processes.cjs';
import { samplePatient, sampleTest } from '../support/samples';
import { checkAccessibility } from './support/accessibility';
import { launchChromium } from './support/browser';
import { GatewayDouble } from './support/gateway-double';
import {
  AUDIT_KEY,
  AUDIT_READER_KEY,
  RunningApp,
  RunningAudit,
  startAudit,
  startPatientTests,
} from './support/stack';
import { auditsOf } from './support/tamper';

/** Where the run leaves its screenshots for a reviewer (git-ignored; scripts/test.sh names it). */
const SCREENSHOTS = join(ROOT, 'test-results', 'explorer-screenshots');

/** An RFC 4180 parser for the export, written for the test so the page's own code is not trusted. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index++;
    } else {
      cell += char;
    }
  }
  return rows;
}

describe('the audit explorer, in a real headless Chromium against the real apps', () => {
  let audit: RunningAudit;
  let patientTests: RunningApp;
  let browser: Browser;
  let checkpoints: string;
  let downloads: string;
  let explorerUrl: string;
  /** What every page of the run sent and what went wrong in it, checked after each test. */
  let requests: { url: string; headers: Record<string, string> }[] = [];
  let pageProblems: string[] = [];
  let context: BrowserContext | undefined;

  /** A fresh browser session (its own sessionStorage) on the explorer page. */
  async function openPage(): Promise<Page> {
    await context?.close();
    context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      acceptDownloads: true,
      // The time range fields are in the browser's local time: UTC here, so the test can name instants.
      timezoneId: 'UTC',
    });
    const page = await context.newPage();
    page.on('request', (request) =>
      requests.push({ url: request.url(), headers: request.headers() }),
    );
    page.on('pageerror', (error) => pageProblems.push(String(error)));
    page.on('console', (message) => {
      // Chromium logs every 4xx answer as a console error; those are the tests' own refused keys.
      if (
        message.type() === 'error' &&
        !message.text().startsWith('Failed to load resource')
      ) {
        pageProblems.push(message.text());
      }
    });
    const response = await page.goto(explorerUrl);
    expect(response?.status()).toBe(200);
    return page;
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.fill('#reader-key', key);
    await page.keyboard.press('Enter');
  }

  async function openRegister(): Promise<Page> {
    const page = await openPage();
    await signIn(page, AUDIT_READER_KEY);
    await page.waitForSelector('#workspace:not([hidden])');
    await page.waitForFunction(
      () =>
        !document
          .getElementById('register-verify')!
          .textContent.startsWith('verifying'),
    );
    return page;
  }

  async function searchPatient(page: Page, patientId: string): Promise<void> {
    await page.fill('#patient-id', patientId);
    await page.click('#search-form button[type=submit]');
    await page.waitForSelector('#results:not([hidden])');
    await page.waitForFunction(() =>
      document.getElementById('status')!.textContent.endsWith('found.'),
    );
  }

  const text = (page: Page, selector: string) =>
    page.$eval(selector, (element) => element.textContent ?? '');

  const screenshot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  /** A patient and everything done to its data through patient-tests, in order. */
  let patientId: string;
  const performed: [type: string, operation: string, outcome: unknown][] = [];

  beforeAll(async () => {
    // The page as the sources are now, where the app serves it from (dist/explorer-ui).
    execFileSync(process.execPath, [
      join(ROOT, 'scripts', 'build-explorer.mjs'),
    ]);
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    checkpoints = mkdtempSync(join(tmpdir(), 'explorer-checkpoints-'));
    downloads = mkdtempSync(join(tmpdir(), 'explorer-downloads-'));
    audit = await startAudit({
      CHECKPOINT_DIR: checkpoints,
      CHECKPOINT_INTERVAL_SECONDS: '0',
    });
    patientTests = await startPatientTests(audit.url);
    explorerUrl = `${audit.url}/explorer`;
    browser = await launchChromium();

    const api = patientTests.client;
    const created = await api.post('/patient', samplePatient());
    expect(created.status).toBe(201);
    patientId = created.body.id;
    performed.push(
      ['patient', 'create', 'attempted'],
      ['patient', 'create', 201],
    );
    const other = await api.post(
      '/patient',
      samplePatient({ firstName: 'Grace' }),
    );
    expect(other.status).toBe(201);
    const read = await api.get(`/patient/${patientId}`);
    expect(read.status).toBe(200);
    performed.push(['patient', 'read', 200]);
    const { id: _id, lastUpdated: _lastUpdated, ...fields } = read.body;
    const updated = await api.put(
      `/patient/${patientId}`,
      { ...fields, postCode: '3000' },
      { headers: { 'if-match': read.headers.get('etag')! } },
    );
    expect(updated.status).toBe(200);
    performed.push(
      ['patient', 'update', 'attempted'],
      ['patient', 'update', 200],
    );
    const test = await api.post(`/patient/${patientId}/tests`, sampleTest());
    expect(test.status).toBe(201);
    performed.push(['test', 'create', 'attempted'], ['test', 'create', 201]);
    expect((await api.get(`/patient/${patientId}/tests`)).status).toBe(200);
    performed.push(['test', 'list', 200]);
    expect(
      (await api.get(`/patient/${patientId}/tests/${test.body.id}`)).status,
    ).toBe(200);
    performed.push(['test', 'read', 200]);
    const search = await api.post('/patient/search', {
      insuranceNumber: read.body.insuranceNumber,
    });
    expect(search.body).toHaveLength(1);
    performed.push(['patient', 'search', 200]);
    expect(
      (await api.get(`/patient/${patientId}/tests/no-such-test`)).status,
    ).toBe(404);
    performed.push(['test', 'read', 404]);
  });

  afterEach(() => {
    // The page worked under its Content-Security-Policy, and no key went into a URL.
    expect(pageProblems).toEqual([]);
    for (const request of requests) {
      expect(request.url).not.toContain(AUDIT_READER_KEY);
      expect(request.url).not.toContain(AUDIT_KEY);
    }
    pageProblems = [];
    requests = [];
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await patientTests?.close();
    await audit?.close();
    rmSync(checkpoints, { recursive: true, force: true });
    rmSync(downloads, { recursive: true, force: true });
  });

  /** The records the API itself answers for the patient, newest first. */
  async function apiRecordsOfPatient(): Promise<any[]> {
    const response = await audit.client.get(
      `/auditrecord?patientId=${patientId}&limit=200`,
    );
    expect(response.status).toBe(200);
    return response.body;
  }

  it('serves the page with a strict Content-Security-Policy, and its data only to a reader key', async () => {
    const response = await fetch(explorerUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const policy = response.headers.get('content-security-policy');
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).toContain("frame-ancestors 'none'");
    expect((await fetch(`${explorerUrl}/explorer.js`)).status).toBe(200);
    const unknown = await fetch(`${explorerUrl}/..%2Fapp.module.js`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain(
      'application/problem+json',
    );
  });

  it('refuses a wrong key and the append key, and shows no data', async () => {
    const page = await openPage();
    await checkAccessibility(page, 'the sign-in view');

    await signIn(page, 'not-a-reader-key-at-all');
    await page.waitForSelector('#error:not([hidden])');
    expect(await text(page, '#error')).toContain('This key was refused (401)');
    expect(
      await page.$eval('#workspace', (element) =>
        element.hasAttribute('hidden'),
      ),
    ).toBe(true);
    await screenshot(page, '1-wrong-key');

    // patient-tests' key authenticates, but may only append: the register stays closed.
    await signIn(page, AUDIT_KEY);
    await page.waitForFunction(() =>
      document.getElementById('error')!.textContent.includes('(403)'),
    );
    expect(
      await page.$eval('#workspace', (element) =>
        element.hasAttribute('hidden'),
      ),
    ).toBe(true);
    expect(
      await page.evaluate(() => ({
        session: sessionStorage.length,
        local: localStorage.length,
        cookies: document.cookie,
      })),
    ).toEqual({ session: 0, local: 0, cookies: '' });
    const refused = requests.filter((request) =>
      request.url.includes('/auditrecord'),
    );
    expect(
      refused.map((request) => request.headers['x-functions-key']),
    ).toEqual(['not-a-reader-key-at-all', AUDIT_KEY]);
  });

  it('a search by patient id shows exactly the accesses the API recorded for that patient, in order', async () => {
    const records = await apiRecordsOfPatient();
    // The register has what patient-tests did, newest first: nothing missing, nothing extra.
    expect(
      records.map((record) => [
        record.resource.type,
        record.resource.operation,
        record.outcome,
      ]),
    ).toEqual([...performed].reverse());

    const page = await openRegister();
    await searchPatient(page, patientId);
    const rows = await page.$$eval('#records-table tbody tr', (trs) =>
      trs.map((tr) =>
        Array.from(tr.querySelectorAll('td'), (cell) => cell.textContent),
      ),
    );
    expect(rows).toEqual(
      records.map((record) => [
        record.createdDate.replace('T', ' ').replace(/\.\d+Z$/, ''),
        record.resource.operation,
        record.resource.id
          ? `${record.resource.type} ${record.resource.id}`
          : record.resource.type,
        `${record.onBehalfOf.actor}via ${record.actor}`,
        'patient-tests',
        record.onBehalfOf.clientAddress,
        String(record.outcome),
        `Record ${record.sequence}`,
      ]),
    );
    // The timeline counts the same accesses, per day.
    const bars = await page.$$eval('#timeline rect.bar title', (titles) =>
      titles.map((title) => Number(title.textContent.split(': ')[1])),
    );
    expect(bars.reduce((sum, count) => sum + count, 0)).toBe(records.length);
    // Nothing about the patient in the page's address; the key only in this tab's session storage.
    expect(page.url()).toBe(explorerUrl);
    expect(await page.evaluate(() => Object.keys(sessionStorage).length)).toBe(
      1,
    );
    const searches = requests.filter((request) =>
      request.url.includes(`patientId=${patientId}`),
    );
    expect(searches).toHaveLength(1);
    expect(searches[0].headers['x-functions-key']).toBe(AUDIT_READER_KEY);
    await checkAccessibility(page, 'the accesses of a patient');
    await screenshot(page, '2-patient-accesses');
  });

  it('searches by correlation id, by actor and by time range, each showing what the API answers', async () => {
    const records = await apiRecordsOfPatient();
    const sequencesShown = (page: Page) =>
      page.$$eval('#records-table tbody tr', (rows) =>
        rows.map((row) => Number(row.getAttribute('data-sequence'))),
      );
    const sequencesOf = async (query: string) => {
      const response = await audit.client.get(
        `/auditrecord?${query}&limit=200`,
      );
      expect(response.status).toBe(200);
      return (response.body as { sequence: number }[]).map(
        (record) => record.sequence,
      );
    };
    const page = await openRegister();

    // A write's attempt and outcome share the trace of the request that made them.
    const update = records.find(
      (record) => record.resource.operation === 'update',
    );
    await page.fill('#correlation-id', update.correlationId);
    await page.click('#search-form button[type=submit]');
    await page.waitForSelector('#results:not([hidden])');
    await page.waitForFunction(() =>
      document.getElementById('status')!.textContent.endsWith('found.'),
    );
    const byTrace = await sequencesOf(`correlationId=${update.correlationId}`);
    expect(byTrace).toHaveLength(2);
    expect(await sequencesShown(page)).toEqual(byTrace);

    // The client patient-tests acted for, as patient-tests asserted it.
    const byActor = await sequencesOf(
      `actor=${encodeURIComponent(update.onBehalfOf.actor)}`,
    );
    expect(byActor.length).toBeGreaterThanOrEqual(records.length);
    await page.fill('#correlation-id', '');
    await page.fill('#actor', update.onBehalfOf.actor);
    await page.click('#search-form button[type=submit]');
    await page.waitForFunction(
      (count) =>
        document.querySelectorAll('#records-table tbody tr').length === count,
      byActor.length,
    );
    expect(await sequencesShown(page)).toEqual(byActor);

    // The patient's accesses from the update on (whole seconds: the field's precision).
    const from = `${update.createdDate.slice(0, 19)}Z`;
    await page.fill('#actor', '');
    await page.fill('#patient-id', patientId);
    await page.fill('#from', update.createdDate.slice(0, 19));
    await page.click('#search-form button[type=submit]');
    const inRange = await sequencesOf(
      `patientId=${patientId}&from=${encodeURIComponent(from)}`,
    );
    await page.waitForFunction(
      (count) =>
        document.querySelectorAll('#records-table tbody tr').length === count,
      inRange.length,
    );
    expect(await sequencesShown(page)).toEqual(inRange);
    expect(inRange).toContain(update.sequence);
    expect(page.url()).toBe(explorerUrl);
  });

  it("shows a record's place in the chain, its hash and the query for its trace", async () => {
    const [newest] = await apiRecordsOfPatient();
    const page = await openRegister();
    await searchPatient(page, patientId);
    // By keyboard: the record's button, then Enter.
    await page.focus(`#records-table tbody tr button`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#details:not([hidden])');
    await page.waitForFunction(() => document.activeElement?.id === 'details');
    const details = await page.$$eval('#details-list dt', (terms) =>
      Object.fromEntries(
        terms.map((term) => [
          term.textContent,
          term.nextElementSibling!.textContent,
        ]),
      ),
    );
    expect(details).toMatchObject({
      'Sequence (place in the chain)': String(newest.sequence),
      Hash: newest.hash,
      'Previous hash': newest.previousHash,
      'Correlation id (trace id)': newest.correlationId,
      'Record id': newest.id,
    });
    const kql = await text(page, '#details-kql');
    expect(kql).toContain(`let op = "${newest.correlationId}";`);
    expect(kql).toContain('| where operation_Id == op');
    await checkAccessibility(page, "a record's details");
    await screenshot(page, '3-record-details');
    await page.click('#close-details');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      `Record ${newest.sequence}`,
    );
  });

  it("exports the patient's accounting of disclosures as CSV equal to the API's records, and prints it", async () => {
    const records = await apiRecordsOfPatient();
    const page = await openRegister();
    await searchPatient(page, patientId);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#export-csv'),
    ]);
    const file = download.suggestedFilename();
    expect(file).toMatch(/^accounting-of-disclosures-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(file).not.toContain(patientId);
    await download.saveAs(join(downloads, file));
    const [header, ...rows] = parseCsv(
      readFileSync(join(downloads, file), 'utf8'),
    );
    expect(header).toEqual([
      'sequence',
      'createdDate',
      'operation',
      'resourceType',
      'resourceId',
      'outcome',
      'actor',
      'clientAddress',
      'onBehalfOfActor',
      'onBehalfOfClientAddress',
      'unverifiedActor',
      'unverifiedClientAddress',
      'sourceSystemName',
      'correlationId',
      'recordId',
      'attemptId',
      'hash',
    ]);
    expect(rows).toEqual(
      records.map((record) => [
        String(record.sequence),
        record.createdDate,
        record.resource.operation,
        record.resource.type,
        record.resource.id ?? '',
        String(record.outcome),
        record.actor,
        record.clientAddress,
        record.onBehalfOf.actor,
        record.onBehalfOf.clientAddress,
        '',
        '',
        record.sourceSystemName,
        record.correlationId,
        record.id,
        record.attemptId ?? '',
        record.hash,
      ]),
    );

    // The printable accounting: the print stylesheet drops the controls and adds what it is of.
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await page.emulateMedia({ media: 'print' });
    expect(
      await page.$eval(
        '#search',
        (element) => getComputedStyle(element).display,
      ),
    ).toBe('none');
    expect(
      await page.$eval(
        '.print-header',
        (element) => getComputedStyle(element).display,
      ),
    ).toBe('block');
    expect(await text(page, '#print-meta')).toContain(
      `For patient ${patientId}; ${records.length} records`,
    );
    await screenshot(page, '4-printable-accounting');
    await page.pdf({
      path: join(SCREENSHOTS, '4-printable-accounting.pdf'),
      format: 'A4',
    });
  });

  it("shows the register's head, last signed checkpoint and a valid verification, then a tampered record as a failed verify with its sequence", async () => {
    const checkpoint = await audit.client.post('/auditrecord/checkpoints');
    expect(checkpoint.status).toBe(201);
    const page = await openRegister();
    expect(await text(page, '#register-head')).toBe(
      `sequence ${checkpoint.body.sequence}, hash ${checkpoint.body.hash}`,
    );
    expect(await text(page, '#register-checkpoint')).toContain(
      `sequence ${checkpoint.body.sequence}, signed `,
    );
    expect(await text(page, '#register-verify')).toMatch(
      /^Valid: the whole register, \d+ records checked/,
    );
    await checkAccessibility(page, "the register's state");
    await screenshot(page, '5-register-valid');

    // Someone with write access to the database changes what a record says about the patient.
    const records = await apiRecordsOfPatient();
    const target = records[Math.floor(records.length / 2)];
    const changed = await (
      await auditsOf(audit)
    ).updateOne(
      { _id: target.sequence },
      {
        $set: { 'resource.operation': 'read', outcome: 404 },
      },
    );
    expect(changed.modifiedCount).toBe(1);

    await page.fill('#verify-from', '1');
    await page.fill('#verify-to', String(checkpoint.body.sequence));
    await page.click('#verify-form button[type=submit]');
    await page.waitForSelector('#register-verify .invalid');
    expect(await text(page, '#register-verify')).toContain(
      `Failed at sequence ${target.sequence}: a record no longer matches its hash`,
    );
    // The API says the same.
    const verify = await audit.client.get('/auditrecord/verify');
    expect(verify.body).toMatchObject({
      valid: false,
      firstInvalidSequence: target.sequence,
      reason: 'record-changed',
    });
    await screenshot(page, '6-register-tampered');
  });
});

describe("the audit explorer behind API Management (the auditors' path), in a real headless Chromium", () => {
  const SUBSCRIPTION_KEY = 'e2e-auditors-subscription-key';
  const GATEWAY_SECRET = 'e2e-gateway-secret-explorer-01';
  const HOST_KEY = 'e2e-gateway-host-key-in-no-list';
  let audit: RunningAudit;
  let gateway: GatewayDouble;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let pageUrl: string;
  let requests: { url: string; headers: Record<string, string> }[] = [];
  const patientId = `patient-gateway-${Date.now()}`;

  beforeAll(async () => {
    execFileSync(process.execPath, [
      join(ROOT, 'scripts', 'build-explorer.mjs'),
    ]);
    // As terraform/functions.tf configures it: the page is told where the auditors' API is.
    audit = await startAudit({
      GATEWAY_SECRET,
      EXPLORER_API_BASE: '/audit/api/',
    });
    for (const operation of ['read', 'update']) {
      const appended = await audit.appender.post('/auditrecord', {
        sourceSystemName: 'patient-tests',
        resource: { type: 'patient', id: patientId, operation },
        patientIds: [patientId],
        outcome: 200,
      });
      expect(appended.status).toBe(201);
    }
    gateway = new GatewayDouble(new URL(audit.url).origin, {
      subscriptionKey: SUBSCRIPTION_KEY,
      hostKey: HOST_KEY,
      gatewaySecret: GATEWAY_SECRET,
    });
    pageUrl = `${await gateway.start()}/audit-explorer/api/explorer`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await gateway?.close();
    await audit?.close();
  });

  afterEach(() => {
    for (const request of requests) {
      expect(request.url).not.toContain(AUDIT_READER_KEY);
      expect(request.url).not.toContain(SUBSCRIPTION_KEY);
    }
    requests = [];
  });

  async function openPage(): Promise<Page> {
    await context?.close();
    context = await browser.newContext();
    const page = await context.newPage();
    page.on('request', (request) =>
      requests.push({ url: request.url(), headers: request.headers() }),
    );
    const response = await page.goto(pageUrl);
    expect(response?.status()).toBe(200);
    return page;
  }

  async function signIn(page: Page, readerKey: string, subscription: string) {
    await page.fill('#reader-key', readerKey);
    await page.fill('#subscription-key', subscription);
    await page.click('#sign-in-form button[type=submit]');
  }

  it('serves the page without a key and asks for the subscription key too', async () => {
    const page = await openPage();
    expect(await page.isVisible('#subscription-key')).toBe(true);
    await checkAccessibility(page, 'the sign-in view behind API Management');
    await signIn(page, AUDIT_READER_KEY, '');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error')).toContain(
      'Enter your Auditors subscription key.',
    );
  });

  it('refuses a wrong subscription key at the gateway, and the append key at the app', async () => {
    const page = await openPage();
    await signIn(page, AUDIT_READER_KEY, 'not-the-subscription-key');
    await page.waitForFunction(() =>
      document.getElementById('error')!.textContent.includes('(401)'),
    );
    await signIn(page, AUDIT_KEY, SUBSCRIPTION_KEY);
    await page.waitForFunction(() =>
      document.getElementById('error')!.textContent.includes('(403)'),
    );
    expect(await page.isHidden('#workspace')).toBe(true);
  });

  it("opens the register through the auditors' API with both keys in headers, and shows the patient's accesses", async () => {
    const page = await openPage();
    await signIn(page, AUDIT_READER_KEY, SUBSCRIPTION_KEY);
    await page.waitForSelector('#workspace:not([hidden])');
    await page.fill('#patient-id', patientId);
    await page.click('#search-form button[type=submit]');
    await page.waitForSelector('#results:not([hidden])');
    await page.waitForFunction(() =>
      document.getElementById('status')!.textContent.endsWith('found.'),
    );
    expect(
      await page.$$eval('#records-table tbody tr', (rows) => rows.length),
    ).toBe(2);

    // Every data call went to the auditors' API on the page's origin, keys in headers only.
    const origin = new URL(pageUrl).origin;
    const dataCalls = requests.filter((request) =>
      request.url.includes('/auditrecord'),
    );
    expect(dataCalls.length).toBeGreaterThan(1);
    for (const call of dataCalls) {
      expect(call.url.startsWith(`${origin}/audit/api/auditrecord`)).toBe(true);
      expect(call.headers['x-functions-key']).toBe(AUDIT_READER_KEY);
      expect(call.headers['ocp-apim-subscription-key']).toBe(SUBSCRIPTION_KEY);
    }
    // The app saw the gateway's host key and the auditor's key forwarded beside it, never the
    // subscription key.
    const atBackend = gateway.forwarded.filter((forwarded) =>
      forwarded.path.startsWith('/api/auditrecord'),
    );
    expect(atBackend.length).toBeGreaterThan(1);
    for (const forwarded of atBackend) {
      expect(forwarded.headers).toMatchObject({
        'x-functions-key': HOST_KEY,
        'x-forwarded-functions-key': expect.any(String),
      });
      expect(forwarded.headers).not.toHaveProperty('ocp-apim-subscription-key');
    }
  });

  it('does not publish the append route: the gateway answers 404 to a POST with both keys', async () => {
    const response = await fetch(
      `${new URL(pageUrl).origin}/audit/api/auditrecord`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-functions-key': AUDIT_READER_KEY,
          'ocp-apim-subscription-key': SUBSCRIPTION_KEY,
        },
        body: JSON.stringify({}),
      },
    );
    expect(response.status).toBe(404);
  });
});
