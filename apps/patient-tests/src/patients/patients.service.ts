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
import { patientIdMismatch, patientNotFound } from './patient.errors';
import { PatientsRepository } from './patients.repository';

const searchPosition = z.strictObject({ after: z.string().max(64) });

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
}
