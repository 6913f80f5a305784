import { BadRequestError } from '@app/shared/errors';
import { Injectable } from '@nestjs/common';
import type { CreateMedicalTestDto } from '../../medical-tests/medical-test.dto';
import { MedicalTestsService } from '../../medical-tests/medical-tests.service';
import { toFhirDiagnosticReport } from '../diagnostic-report/diagnostic-report.mapper';
import { patientIdOfReference } from '../disclosed-patients';
import { FhirResource, versionedLocation } from '../fhir-result';
import { toFhirObservation } from '../observation/observation.mapper';
import type {
  TransactionBundle,
  TransactionEntry,
} from './transaction-bundle.dto';

type ReportEntry = TransactionEntry & {
  resource: { resourceType: 'DiagnosticReport' };
};
type ObservationEntry = TransactionEntry & {
  resource: { resourceType: 'Observation' };
};

const invalidTransaction = (detail: string) =>
  new BadRequestError('INVALID_TRANSACTION', detail);

export interface TransactionResponse {
  resourceType: 'Bundle';
  type: 'transaction-response';
  entry: {
    fullUrl: string;
    resource: FhirResource;
    response: {
      status: string;
      location: string;
      etag: string;
      lastModified?: string;
    };
  }[];
}

/** The patient a transaction's report names, for the audit record written before the write. */
export function patientIdsInTransaction(body: unknown): string[] {
  const entries = (body as { entry?: unknown } | null)?.entry;
  if (!Array.isArray(entries)) {
    return [];
  }
  return entries
    .map((entry) => {
      const resource = (
        entry as {
          resource?: {
            resourceType?: unknown;
            subject?: { reference?: unknown };
          };
        } | null
      )?.resource;
      return resource?.resourceType === 'DiagnosticReport'
        ? patientIdOfReference(resource.subject?.reference)
        : undefined;
    })
    .filter((id): id is string => id !== undefined);
}

/**
 * The one transaction this server takes: a DiagnosticReport with its Observations, stored at once as
 * one test of the JSON API (one document, so all or nothing on every store).
 */
@Injectable()
export class FhirTransactionService {
  constructor(private readonly tests: MedicalTestsService) {}

  async create(
    testId: string,
    bundle: TransactionBundle,
    baseUrl: string,
  ): Promise<TransactionResponse> {
    const { report, observations, patientId } = readTransaction(bundle);
    const body: CreateMedicalTestDto = {
      performer: report.resource.performer[0].display,
      orderReference: report.resource.basedOn[0].identifier.value,
      observations: observations.map(({ resource }) => ({
        id: resource.identifier[0].value,
        code: resource.code.coding[0].code,
        measurement: resource.valueString,
        interpretation: resource.interpretation[0].text,
        status: resource.status,
        issued: resource.issued,
      })),
    };
    const test = await this.tests.create(patientId, testId, body);
    // Answered in the order of the request's entries, as the spec asks.
    const created = new Map<string, FhirResource>([
      [report.fullUrl, toFhirDiagnosticReport(test)],
      ...observations.map(
        ({ fullUrl }, index) =>
          [fullUrl, toFhirObservation(test, index)] as const,
      ),
    ]);
    return {
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: bundle.entry.map(({ fullUrl }) => {
        const resource = created.get(fullUrl)!;
        return {
          fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`,
          resource,
          response: {
            status: '201 Created',
            location: versionedLocation(resource, baseUrl),
            etag: `W/"${resource.meta?.versionId}"`,
            lastModified: resource.meta?.lastUpdated,
          },
        };
      }),
    };
  }
}

/** The report, its observations in the order of `result`, and the patient: checked against each other. */
function readTransaction(bundle: TransactionBundle) {
  const reports = bundle.entry.filter(
    (entry): entry is ReportEntry =>
      entry.resource.resourceType === 'DiagnosticReport',
  );
  if (reports.length !== 1) {
    throw invalidTransaction(
      'A transaction creates exactly one DiagnosticReport with its Observations.',
    );
  }
  const [report] = reports;
  const byFullUrl = new Map(
    bundle.entry
      .filter(
        (entry): entry is ObservationEntry =>
          entry.resource.resourceType === 'Observation',
      )
      .map((entry) => [entry.fullUrl, entry] as const),
  );
  if (
    bundle.entry.some(
      (entry) => entry.request.url !== entry.resource.resourceType,
    ) ||
    new Set(bundle.entry.map((entry) => entry.fullUrl)).size !==
      bundle.entry.length
  ) {
    throw invalidTransaction(
      'Every entry must have its own fullUrl and a request.url naming its resource type.',
    );
  }
  const results = report.resource.result.map(({ reference }) => reference);
  const observations = results.map((reference) => byFullUrl.get(reference));
  if (
    new Set(results).size !== results.length ||
    results.length !== byFullUrl.size ||
    observations.some((entry) => entry === undefined)
  ) {
    throw invalidTransaction(
      "The report's result must reference each Observation of the transaction, by fullUrl, once.",
    );
  }
  const patientReference = report.resource.subject.reference;
  const patientId = patientIdOfReference(patientReference);
  if (
    !patientId ||
    observations.some(
      (entry) => entry!.resource.subject.reference !== patientReference,
    )
  ) {
    throw invalidTransaction(
      'The report and every Observation must have the same subject, Patient/<id>.',
    );
  }
  return {
    report,
    observations: observations as ObservationEntry[],
    patientId,
  };
}
