import type { AuditApi } from './api';
import { byId, element } from './dom';
import { showError, showStatus } from './messages';
import { outcomeText, utcTime, type AuditRecord } from './records';

/**
 * The KQL of the README ("Telemetry"): every telemetry item of the trace, in order. The correlation id
 * is 32 hex digits (the API's schema), so it is placed in the query as is.
 */
export const traceQuery = (correlationId: string) =>
  [
    `let op = "${correlationId}";`,
    'union requests, dependencies, exceptions, traces',
    '| where operation_Id == op',
    '| project timestamp, cloud_RoleName, itemType, name, target, resultCode, duration, id, operation_ParentId',
    '| order by timestamp asc',
  ].join('\n');

function describeCaller(actor?: string, address?: string): string {
  return [actor, address && `from ${address}`].filter(Boolean).join(' ') || '—';
}

/** A record's fields, its place in the chain and the way to its trace. */
export class DetailsView {
  private returnFocus?: HTMLElement;

  constructor(private readonly api: () => AuditApi) {
    byId('close-details').addEventListener('click', () => this.close());
    byId('copy-kql').addEventListener('click', () => {
      navigator.clipboard.writeText(byId('details-kql').textContent ?? '').then(
        () => showStatus('The query is copied.'),
        () =>
          showStatus(
            'Copying is not allowed here: select the query and copy it.',
          ),
      );
    });
  }

  async open(sequence: number, from: HTMLElement): Promise<void> {
    this.returnFocus = from;
    try {
      const record = await this.api().recordAt(sequence);
      if (!record) {
        showStatus(`Record ${sequence} is not in the register.`);
        return;
      }
      this.render(record);
    } catch (error) {
      showError(error);
    }
  }

  private render(record: AuditRecord): void {
    const list = byId('details-list');
    list.replaceChildren();
    const rows: [string, string, boolean?][] = [
      ['Sequence (place in the chain)', String(record.sequence)],
      ['Time (UTC)', utcTime(record.createdDate)],
      [
        'Operation',
        `${record.resource.operation} ${record.resource.type}${record.resource.id ? ` ${record.resource.id}` : ''}`,
      ],
      ['Outcome', outcomeText(record.outcome)],
      ['Attempt it completes', record.attemptId ?? '—', true],
      ['Source system', record.sourceSystemName],
      [
        'Caller of the audit API (verified)',
        describeCaller(record.actor, record.clientAddress),
      ],
      [
        'On behalf of (asserted by the caller)',
        describeCaller(
          record.onBehalfOf?.actor,
          record.onBehalfOf?.clientAddress,
        ),
      ],
      [
        'Unverified claims',
        describeCaller(
          (record.onBehalfOf?.unverified ?? record.unverified)?.actor,
          (record.onBehalfOf?.unverified ?? record.unverified)?.clientAddress,
        ),
      ],
      ['Record id', record.id, true],
      ['Correlation id (trace id)', record.correlationId, true],
      ['Previous hash', record.previousHash, true],
      ['Hash', record.hash, true],
    ];
    for (const [term, value, mono] of rows) {
      list.append(
        element('dt', term),
        element('dd', value, mono ? 'mono' : undefined),
      );
    }
    byId('details-title').textContent = `Record ${record.sequence}`;
    byId('details-kql').textContent = traceQuery(record.correlationId);
    const section = byId('details');
    section.hidden = false;
    section.focus();
  }

  close(): void {
    byId('details').hidden = true;
    this.returnFocus?.focus();
  }
}
