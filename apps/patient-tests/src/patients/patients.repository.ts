import {
  IfMatch,
  typedCollection,
  Versioned,
  withThrottleRetry,
} from '@app/shared';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model, mongo } from 'mongoose';
import type { Patient, SearchCriteria } from './patient.dto';
import { PATIENT_MODEL, PatientDocument } from './patient.schema';

/** Optional fields: a replace that omits one removes it. */
const OPTIONAL_FIELDS = [
  'lastName',
  'fullName',
  'insuranceNumber',
  'preferredContactNumber',
] as const;

function toPatient(doc: PatientDocument): Patient {
  // Field by field, so no storage field (`_id`, `_shardKey`, `_version`) can ever reach a response.
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
    Object.entries(patient).filter(
      ([, value]) => value !== undefined && value !== null,
    ),
  ) as Patient;
}

const versioned = (doc: PatientDocument) =>
  new Versioned(toPatient(doc), doc._version);

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

export type ReplaceResult =
  | { kind: 'replaced'; patient: Versioned<Patient> }
  | { kind: 'not-found' }
  | { kind: 'stale' };

/** Patients in MongoDB / Cosmos DB / FerretDB; every call absorbs Cosmos DB throttling. */
@Injectable()
export class PatientsRepository {
  constructor(
    @InjectModel(PATIENT_MODEL) private readonly model: Model<PatientDocument>,
  ) {}

  async insert(patient: Patient): Promise<Versioned<Patient>> {
    const { id, lastUpdated, ...fields } = patient;
    const doc: PatientDocument = {
      ...fields,
      _id: id,
      _shardKey: id,
      lastUpdated: new Date(lastUpdated),
      _version: 1,
    };
    await withThrottleRetry(() => typedCollection(this.model).insertOne(doc));
    return versioned(doc);
  }

  async findById(id: string): Promise<Versioned<Patient> | undefined> {
    const doc = await withThrottleRetry(() =>
      this.model
        .findOne({ _id: id, _shardKey: id })
        .lean<PatientDocument>()
        .exec(),
    );
    return doc ? versioned(doc) : undefined;
  }

  async exists(id: string): Promise<boolean> {
    const doc = await withThrottleRetry(() =>
      this.model.findOne({ _id: id, _shardKey: id }, { _id: 1 }).lean().exec(),
    );
    return doc !== null;
  }

  /**
   * Replaces a patient's fields in one conditional write: with `ifMatch`, only while its version is one
   * of those listed, so of concurrent writers holding the same ETag exactly one wins.
   */
  async replace(patient: Patient, ifMatch?: IfMatch): Promise<ReplaceResult> {
    const { id, lastUpdated, ...fields } = patient;
    const filter: mongo.Filter<PatientDocument> = { _id: id, _shardKey: id };
    if (ifMatch && !ifMatch.any) {
      filter._version = { $in: ifMatch.versions };
    }
    const unset = Object.fromEntries(
      OPTIONAL_FIELDS.filter((name) => fields[name] === undefined).map(
        (name) => [name, ''],
      ),
    ) as mongo.UpdateFilter<PatientDocument>['$unset'];
    // updateOne rather than findOneAndUpdate: both are one atomic conditional write on MongoDB and
    // Cosmos DB, but FerretDB on SQLite runs findAndModify's query and update outside one transaction
    // (FerretDB issue #3040), which let two writers with the same ETag both win; its update is atomic.
    const collection = typedCollection(this.model);
    const result = await withThrottleRetry(() =>
      collection.updateOne(filter, {
        $set: { ...fields, lastUpdated: new Date(lastUpdated) },
        ...(Object.keys(unset ?? {}).length > 0 && { $unset: unset }),
        $inc: { _version: 1 },
      }),
    );
    const updated =
      result.matchedCount === 1
        ? await withThrottleRetry(() =>
            collection.findOne({ _id: id, _shardKey: id }),
          )
        : null;
    if (updated) {
      return { kind: 'replaced', patient: versioned(updated) };
    }
    return (await this.exists(id)) && ifMatch
      ? { kind: 'stale' }
      : { kind: 'not-found' };
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
