import { MAX_RECORDS, type AuditApi, type RecordSearch } from './api';
import { accountingCsv } from './csv';
import type { DetailsView } from './details-view';
import { byId, element, fieldValue } from './dom';
import { clearError, showError, showStatus } from './messages';
import { accessesPerDay, toAccessRow, type AuditRecord } from './records';
import { timelineChart } from './timeline';

/** An ISO instant from a `datetime-local` value (the browser's local time), or undefined. */
function instant(local: string | undefined): string | undefined {
  if (!local) {
    return undefined;
  }
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

function describeSearch(criteria: RecordSearch): string {
  const parts = [
    criteria.patientId && `patient ${criteria.patientId}`,
    criteria.correlationId && `correlation id ${criteria.correlationId}`,
    criteria.actor && `actor ${criteria.actor}`,
    criteria.from && `from ${criteria.from}`,
    criteria.to && `to ${criteria.to}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'the whole register';
}

/** The search form, the accesses it finds as a table and a timeline, and their export. */
export class SearchView {
  private records: AuditRecord[] = [];
  private criteria: RecordSearch = {};

  constructor(
    private readonly api: () => AuditApi,
    private readonly details: DetailsView,
    private readonly registerSummary: () => string,
  ) {
    const form = byId<HTMLFormElement>('search-form');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.search({
        patientId: fieldValue(form, 'patientId'),
        correlationId: fieldValue(form, 'correlationId'),
        actor: fieldValue(form, 'actor'),
        from: instant(fieldValue(form, 'from')),
        to: instant(fieldValue(form, 'to')),
      });
    });
    byId('export-csv').addEventListener('click', () => this.downloadCsv());
    byId('print').addEventListener('click', () => {
      this.fillPrintHeader();
      window.print();
    });
    // Printing from the browser's own menu gets the same header.
    window.addEventListener('beforeprint', () => this.fillPrintHeader());
  }

  async search(criteria: RecordSearch): Promise<void> {
    clearError();
    showStatus('Searching…');
    const button =
      byId<HTMLButtonElement>('search-form').querySelector('button');
    if (button) {
      button.disabled = true;
    }
    try {
      const { records, truncated } = await this.api().search(criteria);
      this.records = records;
      this.criteria = criteria;
      this.render(truncated);
      showStatus(
        `${records.length} ${records.length === 1 ? 'access' : 'accesses'} found.`,
      );
    } catch (error) {
      showStatus('');
      showError(error);
    } finally {
      if (button) {
        button.disabled = false;
      }
    }
  }

  private render(truncated: boolean): void {
    const subject = describeSearch(this.criteria);
    byId('results-title').textContent = this.criteria.patientId
      ? `Accesses to patient ${this.criteria.patientId}`
      : 'Accesses';
    byId('results-summary').textContent =
      `${this.records.length} ${this.records.length === 1 ? 'record' : 'records'} for ${subject}` +
      (truncated
        ? `: only the newest ${MAX_RECORDS} are shown; narrow the time range to see the rest.`
        : '.');
    byId('records-caption').textContent =
      `Accesses for ${subject}, newest first`;
    byId('timeline').replaceChildren(
      timelineChart(accessesPerDay(this.records)),
    );

    const body = byId<HTMLTableElement>('records-table').tBodies[0];
    body.replaceChildren(...this.records.map((record) => this.row(record)));
    byId('results').hidden = false;
    byId<HTMLButtonElement>('export-csv').disabled = this.records.length === 0;
    byId<HTMLButtonElement>('print').disabled = this.records.length === 0;
  }

  private row(record: AuditRecord): HTMLTableRowElement {
    const access = toAccessRow(record);
    const row = element('tr');
    row.dataset.sequence = String(access.sequence);
    const actor = element('td', access.actor);
    if (access.via) {
      actor.append(element('span', `via ${access.via}`, 'via'));
    }
    if (access.unverifiedClaim) {
      actor.append(
        element('span', `unverified claim: ${access.unverifiedClaim}`, 'claim'),
      );
    }
    const open = element('button', `Record ${access.sequence}`, 'link');
    open.type = 'button';
    open.addEventListener(
      'click',
      () => void this.details.open(access.sequence, open),
    );
    const openCell = element('td', undefined, 'no-print');
    openCell.append(open);
    row.append(
      element('td', access.time, 'mono'),
      element('td', access.operation),
      element('td', access.resource),
      actor,
      element('td', access.sourceSystem),
      element('td', access.clientAddress, 'mono'),
      element(
        'td',
        access.outcome,
        access.failed ? 'outcome-failed' : undefined,
      ),
      openCell,
    );
    return row;
  }

  /**
   * Built in the page from the records it shows (not a second, server-side format): the same records
   * as the table, and a plain link to a server route could not carry the key, which stays in a header.
   */
  private downloadCsv(): void {
    const blob = new Blob([accountingCsv(this.records)], {
      type: 'text/csv;charset=utf-8',
    });
    const url = URL.createObjectURL(blob);
    const link = element('a');
    link.href = url;
    // A file name without the patient id: downloads folders are synced and listed.
    link.download = `accounting-of-disclosures-${new Date().toISOString().slice(0, 10)}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    showStatus(`CSV of ${this.records.length} records downloaded.`);
  }

  private fillPrintHeader(): void {
    byId('print-meta').textContent =
      `For ${describeSearch(this.criteria)}; ${this.records.length} records; generated ${new Date().toISOString()}. ${this.registerSummary()}`;
  }
}
