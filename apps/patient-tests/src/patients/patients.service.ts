import {
  Page,
  PageQuery,
  paginate,
  parseIfMatch,
  preconditionFailed,
  Versioned,
} from '@app/shared/http';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type {
  CreatePatientDto,
  Patient,
  SearchCriteria,
  UpdatePatientDto,
} from './patient.dto';
import {
  identifierBeingCreated,
  multiplePatientsMatch,
  patientIdMismatch,
  patientNotFound,
} from './patient.errors';
import type { PatientQuery } from './patient-query';
import { PatientsRepository } from './patients.repository';

const searchPosition = z.strictObject({ after: z.string().max(64) });

/** How long a conditional create waits for the patient a concurrent one claimed to be stored. */
const CLAIMED_PATIENT_WAIT_MS = 5000;
const CLAIMED_PATIENT_POLL_MS = 50;
/** A claim this old whose patient was never stored belongs to a create that died: it is released. */
const ABANDONED_CLAIM_MS = 60_000;
const CONDITIONAL_CREATE_ATTEMPTS = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a conditional create did: stored a new patient, or found the one carrying the identifier. */
export interface ConditionalCreateResult {
  created: boolean;
  patient: Versioned<Patient>;
}

@Injectable()
export class PatientsService {
  constructor(private readonly repository: PatientsRepository) {}

  /** Stores a new patient under `id`, assigned (and already audited) before the write. */
  create(id: string, fields: CreatePatientDto): Promise<Versioned<Patient>> {
    return this.repository.insert({
      ...fields,
      id,
      lastUpdated: new Date().toISOString(),
    });
  }

  async get(id: string): Promise<Versioned<Patient>> {
    const patient = await this.repository.findById(id);
    if (!patient) {
      throw patientNotFound();
    }
    return patient;
  }

  /**
   * Replaces the patient's fields; `lastUpdated` in the body is ignored, the server sets a new one.
   * With `If-Match`, only while that ETag is current (else 412, nothing changed); without it the write
   * is unconditional, because the seed's clients send no If-Match.
   */
  async update(
    id: string,
    body: UpdatePatientDto,
    ifMatchHeader?: string,
  ): Promise<Versioned<Patient>> {
    const { id: bodyId, lastUpdated: _ignored, ...fields } = body;
    if (bodyId !== undefined && bodyId !== id) {
      throw patientIdMismatch();
    }
    const result = await this.repository.replace(
      { ...fields, id, lastUpdated: new Date().toISOString() },
      parseIfMatch(ifMatchHeader),
    );
    switch (result.kind) {
      case 'replaced':
        return result.patient;
      case 'stale':
        throw preconditionFailed();
      case 'not-found':
        throw patientNotFound();
    }
  }

  async search(
    criteria: SearchCriteria,
    page: PageQuery,
  ): Promise<Page<Patient>> {
    return paginate(
      page,
      searchPosition,
      (limit, from) => this.repository.search(criteria, limit, from?.after),
      (patient) => ({ after: patient.id }),
    );
  }

  /** Fails with PATIENT_NOT_FOUND unless `id` names a stored patient. */
  async assertExists(id: string): Promise<void> {
    if (!(await this.repository.exists(id))) {
      throw patientNotFound();
    }
  }

  /**
   * Creates the patient under `id` unless one already carries its insurance number (FHIR's
   * conditional create on `identifier`), and stays single under concurrent requests: the creator
   * first claims the number (a unique `_id`, atomic on every store); a request that loses the claim
   * answers with the claimant's patient once it is stored. Patients created through the JSON API
   * take no claim, so they are looked for first.
   */
  async createUnlessIdentified(
    id: string,
    fields: CreatePatientDto & { insuranceNumber: string },
  ): Promise<ConditionalCreateResult> {
    const number = fields.insuranceNumber;
    for (let attempt = 0; attempt < CONDITIONAL_CREATE_ATTEMPTS; attempt++) {
      const existing = await this.repository.query(
        { insuranceNumbers: [number] },
        2,
      );
      if (existing.length > 1) {
        throw multiplePatientsMatch();
      }
      if (existing.length === 1) {
        return { created: false, patient: existing[0] };
      }
      const claim = await this.repository.claimIdentifier(number, id);
      switch (claim.kind) {
        case 'claimed':
          try {
            return { created: true, patient: await this.create(id, fields) };
          } catch (error) {
            // Best effort: a claim left behind is released once abandoned; the write's error is the news.
            await this.repository
              .releaseIdentifier(number, id)
              .catch(() => undefined);
            throw error;
          }
        case 'released':
          continue;
        case 'taken': {
          const owner = await this.awaitPatient(claim.patientId);
          if (owner?.value.insuranceNumber === number) {
            return { created: false, patient: owner };
          }
          const abandoned =
            Date.now() - claim.claimedAt.getTime() > ABANDONED_CLAIM_MS;
          if (!owner && !abandoned) {
            throw identifierBeingCreated();
          }
          // Its patient changed number, or its create died: the claim no longer says anything.
          await this.repository.releaseIdentifier(number, claim.patientId);
        }
      }
    }
    throw identifierBeingCreated();
  }

  /** The patient `id`, waiting a little for a concurrent create to store it. */
  private async awaitPatient(
    id: string,
  ): Promise<Versioned<Patient> | undefined> {
    const deadline = Date.now() + CLAIMED_PATIENT_WAIT_MS;
    for (;;) {
      const patient = await this.repository.findById(id);
      if (patient || Date.now() >= deadline) {
        return patient;
      }
      await sleep(CLAIMED_PATIENT_POLL_MS);
    }
  }

  /** FHIR search: a page of `query`'s matches in id order, continuing like `search`. */
  query(
    query: PatientQuery,
    page: PageQuery,
  ): Promise<Page<Versioned<Patient>>> {
    return paginate(
      page,
      searchPosition,
      (limit, from) => this.repository.query(query, limit, from?.after),
      (patient) => ({ after: patient.value.id }),
    );
  }

  count(query: PatientQuery): Promise<number> {
    return this.repository.count(query);
  }
}
