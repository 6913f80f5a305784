import { typedCollection, withThrottleRetry } from '@app/shared';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import type { Patient, SearchCriteria } from './patient.dto';
import { PATIENT_MODEL, PatientDocument } from './patient.schema';

function toPatient(doc: PatientDocument): Patient {
  // Field by field, so no storage field (`_id`, `_shardKey`, ...) can ever reach a response.
  const patient: Patient = {
    id: doc._id,
    firstName: doc.firstName,
    lastName: doc.lastName,
    fullName: doc.fullName,
    gender: doc.gender,
    dateOfBirth: doc.dateOfBirth,
    postCode: doc.postCode,
    insuranceNumber: doc.insuranceNumber,
    preferredContactNumber: doc.preferredContactNumber,
    lastUpdated: doc.lastUpdated.toISOString(),
  };
  return Object.fromEntries(
    Object.entries(patient).filter(([, value]) => value !== undefined),
  ) as Patient;
}

function toDocument({ id, lastUpdated, ...fields }: Patient): PatientDocument {
  return {
    _id: id,
    _shardKey: id,
    ...fields,
    lastUpdated: new Date(lastUpdated),
  };
}

/** Exact-match criteria and the inclusive date-of-birth range as a filter of validated strings only. */
function searchFilter({
  id,
  dateOfBirthFrom,
  dateOfBirthTo,
  ...exact
}: SearchCriteria): FilterQuery<PatientDocument> {
  const filter: FilterQuery<PatientDocument> = { ...exact };
  if (id !== undefined) {
    filter._id = id;
  }
  if (dateOfBirthFrom !== undefined || dateOfBirthTo !== undefined) {
    filter.dateOfBirth = {
      ...(dateOfBirthFrom !== undefined && { $gte: dateOfBirthFrom }),
      ...(dateOfBirthTo !== undefined && { $lte: dateOfBirthTo }),
    };
  }
  return filter;
}

/** Patients in MongoDB / Cosmos DB / FerretDB; every call absorbs Cosmos DB throttling. */
@Injectable()
export class PatientsRepository {
  constructor(
    @InjectModel(PATIENT_MODEL) private readonly model: Model<PatientDocument>,
  ) {}

  async insert(patient: Patient): Promise<void> {
    await withThrottleRetry(() =>
      typedCollection(this.model).insertOne(toDocument(patient)),
    );
  }

  async findById(id: string): Promise<Patient | undefined> {
    const doc = await withThrottleRetry(() =>
      this.model
        .findOne({ _id: id, _shardKey: id })
        .lean<PatientDocument>()
        .exec(),
    );
    return doc ? toPatient(doc) : undefined;
  }

  async exists(id: string): Promise<boolean> {
    const doc = await withThrottleRetry(() =>
      this.model.findOne({ _id: id, _shardKey: id }, { _id: 1 }).lean().exec(),
    );
    return doc !== null;
  }

  /** Replaces a stored patient; false when there is none with that id. */
  async replace(patient: Patient): Promise<boolean> {
    const result = await withThrottleRetry(() =>
      typedCollection(this.model).replaceOne(
        { _id: patient.id, _shardKey: patient.id },
        toDocument(patient),
      ),
    );
    return result.matchedCount === 1;
  }

  /** Up to `limit` matches after `afterId`, in id order (deterministic across pages). */
  async search(
    criteria: SearchCriteria,
    limit: number,
    afterId?: string,
  ): Promise<Patient[]> {
    const filter = searchFilter(criteria);
    if (afterId !== undefined) {
      filter._id =
        criteria.id !== undefined
          ? { $eq: criteria.id, $gt: afterId }
          : { $gt: afterId };
    }
    const docs = await withThrottleRetry(() =>
      this.model
        .find(filter)
        .sort({ _id: 1 })
        .limit(limit)
        .lean<PatientDocument[]>()
        .exec(),
    );
    return docs.map(toPatient);
  }
}
