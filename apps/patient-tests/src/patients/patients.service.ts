import {
  decodeContinuationToken,
  DEFAULT_PAGE_SIZE,
  Page,
  PageQuery,
  toPage,
} from '@app/shared';
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
import { isResourceId } from './uuid';

const searchPosition = z.strictObject({ after: z.string().max(64) });

@Injectable()
export class PatientsService {
  constructor(private readonly repository: PatientsRepository) {}

  /** Stores a new patient under `id`, assigned (and already audited) before the write. */
  async create(id: string, fields: CreatePatientDto): Promise<Patient> {
    const patient: Patient = {
      ...fields,
      id,
      lastUpdated: new Date().toISOString(),
    };
    await this.repository.insert(patient);
    return patient;
  }

  async get(id: string): Promise<Patient> {
    const patient = isResourceId(id)
      ? await this.repository.findById(id)
      : undefined;
    if (!patient) {
      throw patientNotFound();
    }
    return patient;
  }

  /** Replaces the patient's fields; `lastUpdated` in the body is ignored, the server sets a new one. */
  async update(id: string, body: UpdatePatientDto): Promise<Patient> {
    const { id: bodyId, lastUpdated: _ignored, ...fields } = body;
    if (bodyId !== undefined && bodyId !== id) {
      throw patientIdMismatch();
    }
    if (!isResourceId(id)) {
      throw patientNotFound();
    }
    const patient: Patient = {
      ...fields,
      id,
      lastUpdated: new Date().toISOString(),
    };
    if (!(await this.repository.replace(patient))) {
      throw patientNotFound();
    }
    return patient;
  }

  async search(
    criteria: SearchCriteria,
    { limit = DEFAULT_PAGE_SIZE, continuationToken }: PageQuery,
  ): Promise<Page<Patient>> {
    const after = continuationToken
      ? decodeContinuationToken(continuationToken, searchPosition).after
      : undefined;
    // One more than asked: its presence says there is a next page.
    const found = await this.repository.search(criteria, limit + 1, after);
    return toPage(found, limit, (patient) => ({ after: patient.id }));
  }

  /** Fails with PATIENT_NOT_FOUND unless `id` names a stored patient. */
  async assertExists(id: string): Promise<void> {
    if (!isResourceId(id) || !(await this.repository.exists(id))) {
      throw patientNotFound();
    }
  }
}
