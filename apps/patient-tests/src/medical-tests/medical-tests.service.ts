import { Page, PageQuery, paginate } from '@app/shared/http';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { PatientsService } from '../patients/patients.service';
import type { CreateMedicalTestDto, MedicalTest } from './medical-test.dto';
import {
  medicalTestNotFound,
  medicalTestPatientMismatch,
} from './medical-test.errors';
import { MedicalTestsRepository } from './medical-tests.repository';
import { isResourceId } from '../resource-id';
import type { MedicalTestQuery } from './medical-test-query';

const listPosition = z.strictObject({ after: z.string().max(64) });

@Injectable()
export class MedicalTestsService {
  constructor(
    private readonly repository: MedicalTestsRepository,
    private readonly patients: PatientsService,
  ) {}

  /** Stores a test of an existing patient under `id`, assigned (and audited) before the write. */
  async create(
    patientId: string,
    id: string,
    body: CreateMedicalTestDto,
  ): Promise<MedicalTest> {
    if (body.patientId !== undefined && body.patientId !== patientId) {
      throw medicalTestPatientMismatch();
    }
    await this.patients.assertExists(patientId);
    const test: MedicalTest = {
      ...body,
      id,
      patientId,
      lastUpdated: new Date().toISOString(),
    };
    await this.repository.insert(test);
    return test;
  }

  async list(patientId: string, page: PageQuery): Promise<Page<MedicalTest>> {
    await this.patients.assertExists(patientId);
    return paginate(
      page,
      listPosition,
      (limit, from) =>
        this.repository.listByPatient(patientId, limit, from?.after),
      (medicalTest) => ({ after: medicalTest.id }),
    );
  }

  async get(patientId: string, testId: string): Promise<MedicalTest> {
    const test = await this.repository.find(patientId, testId);
    if (!test) {
      throw medicalTestNotFound();
    }
    return test;
  }

  /** A test by its id alone (the FHIR interface names tests without their patient). */
  async getById(testId: string): Promise<MedicalTest> {
    const test = isResourceId(testId)
      ? await this.repository.findById(testId)
      : undefined;
    if (!test) {
      throw medicalTestNotFound();
    }
    return test;
  }

  /** Up to `limit` tests matching `query`, in id order, from `fromId` on (inclusive). */
  query(
    query: MedicalTestQuery,
    limit: number,
    fromId?: string,
  ): Promise<MedicalTest[]> {
    if (query.patientId !== undefined && !isResourceId(query.patientId)) {
      return Promise.resolve([]);
    }
    return this.repository.query(query, limit, fromId);
  }
}
