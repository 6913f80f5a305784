import { typedCollection, withThrottleRetry } from '@app/shared/database';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import type { MedicalTest } from './medical-test.dto';
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
    await withThrottleRetry(() => typedCollection(this.model).insertOne(doc));
  }

  async find(
    patientId: string,
    testId: string,
  ): Promise<MedicalTest | undefined> {
    const doc = await withThrottleRetry(() =>
      this.model
        .findOne({ _shardKey: patientId, _id: testId })
        .lean<MedicalTestDocument>()
        .exec(),
    );
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
    const docs = await withThrottleRetry(() =>
      this.model
        .find(filter)
        .sort({ _id: 1 })
        .limit(limit)
        .lean<MedicalTestDocument[]>()
        .exec(),
    );
    return docs.map(toMedicalTest);
  }
}
