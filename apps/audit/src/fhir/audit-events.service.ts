import { decodeContinuationToken, toPage } from '@app/shared/http';
import { NotFoundError } from '@app/shared/errors';
import { Injectable } from '@nestjs/common';
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import {
  toAuditRecord,
  AuditRecordsRepository,
} from '../audit-records/audit-records.repository';
import { auditPosition } from '../audit-records/audit-records.service';
import { toAuditEvent } from './audit-event.mapping';
import { recordFilterOf } from './audit-event-filter';
import { parseAuditEventSearch } from './audit-event-search';
import { isFhirId } from './register-resources';
import { handlingOf } from './search-values';
import { searchsetBundle } from './searchset-bundle';

const notFound = () =>
  new NotFoundError('AUDIT_EVENT_NOT_FOUND', 'No AuditEvent with this id.');

/** The register read as FHIR AuditEvents: the same records, paging and order as the JSON API. */
@Injectable()
export class AuditEventsService {
  constructor(private readonly records: AuditRecordsRepository) {}

  async search(
    query: Record<string, unknown>,
    prefer: string | undefined,
    base: string,
  ): Promise<Bundle> {
    const search = parseAuditEventSearch(query, handlingOf(prefer));
    const position =
      search.continuationToken === undefined
        ? undefined
        : decodeContinuationToken(search.continuationToken, auditPosition);
    const filter = recordFilterOf(search.criteria);
    const found =
      filter === undefined
        ? []
        : await this.records.findNewestFirst(
            filter,
            search.count + 1,
            position?.before,
          );
    const page = toPage(found, search.count, (record) => ({
      before: record.sequence,
    }));
    return searchsetBundle(base, search, page);
  }

  async read(id: string): Promise<AuditEvent> {
    if (!isFhirId(id)) {
      throw notFound();
    }
    const doc = await this.records.byRecordId(id);
    if (doc === undefined) {
      throw notFound();
    }
    return toAuditEvent(toAuditRecord(doc));
  }
}
