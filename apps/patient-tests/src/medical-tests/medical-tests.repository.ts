import { typedCollection } from '@app/shared/database';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import type { MedicalTest } from './medical-test.dto';
import type { MedicalTestQuery } from './medical-test-query';
import {
  MEDICAL_TEST_MODEL,
  MedicalTestDocument,
  toMedicalTest,
  toMedicalTestDocument,
} from './medical-test.schema';

/** Medical tests; every query names the shard key (the patient id), so none fans out across partitions. */
@Injectable()
export class MedicalTestsRepository {
  constructor(
    @InjectModel(MEDICAL_TEST_MODEL)
    private readonly model: Model<MedicalTestDocument>,
  ) {}

  async insert(test: MedicalTest): Promise<void> {
    const doc = toMedicalTestDocument(test);
    await typedCollection(this.model).insertOne(doc);
  }

  async find(
    patientId: string,
    testId: string,
  ): Promise<MedicalTest | undefined> {
    const doc = await this.model
      .findOne({ _shardKey: patientId, _id: testId })
      .lean<MedicalTestDocument>()
      .exec();
    return doc ? toMedicalTest(doc) : undefined;
  }

  /** Up to `limit` tests of a patient after `afterId`, in id order. */
  async listByPatient(
    patientId: string,
    limit: number,
    afterId?: string,
  ): Promise<MedicalTest[]> {
    const filter: FilterQuery<MedicalTestDocument> = { _shardKey: patientId };
    if (afterId !== undefined) {
      filter._id = { $gt: afterId };
    }
    const docs = await this.model
      .find(filter)
      .sort({ _id: 1 })
      .limit(limit)
      .lean<MedicalTestDocument[]>()
      .exec();
    return docs.map(toMedicalTest);
  }

  /**
   * A test by its id alone (FHIR reads name no patient): the one query that does not name the shard
   * key, served by `_id` in every partition.
   */
  async findById(testId: string): Promise<MedicalTest | undefined> {
    const doc = await this.model
      .findOne({ _id: testId })
      .lean<MedicalTestDocument>()
      .exec();
    return doc ? toMedicalTest(doc) : undefined;
  }

  /**
   * Up to `limit` tests matching `query` from `fromId` on (inclusive, so a page of observations can
   * resume inside a test), in id order. Observation times are compared as instants, after the fact
   * (`issued` is stored as the client's text, with its own offset).
   */
  async query(
    query: MedicalTestQuery,
    limit: number,
    fromId?: string,
  ): Promise<MedicalTest[]> {
    const conditions: FilterQuery<MedicalTestDocument>[] = [];
    if (query.patientId !== undefined) {
      conditions.push({ _shardKey: { $eq: query.patientId } });
    }
    for (const id of query.testIds ?? []) {
      conditions.push({ _id: { $eq: id } });
    }
    // Dotted paths rather than $elemMatch, which FerretDB does not serve: they narrow to tests with some
    // observation of that code (or status); the caller checks each observation itself.
    for (const { code, status } of query.observations ?? []) {
      if (code !== undefined) {
        conditions.push({ 'observations.code': { $eq: code } });
      }
      if (status !== undefined) {
        conditions.push({ 'observations.status': { $eq: status } });
      }
    }
    if (fromId !== undefined) {
      conditions.push({ _id: { $gte: fromId } });
    }
    const docs = await this.model
      .find(conditions.length > 0 ? { $and: conditions } : {})
      .sort({ _id: 1 })
      .limit(limit)
      .lean<MedicalTestDocument[]>()
      .exec();
    return docs.map(toMedicalTest);
  }
}
