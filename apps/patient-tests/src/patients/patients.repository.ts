import { isDuplicateKey, typedCollection } from '@app/shared/database';
import { IfMatch, Versioned } from '@app/shared/http';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model, mongo } from 'mongoose';
import type { Patient, SearchCriteria } from './patient.dto';
import {
  OPTIONAL_PATIENT_FIELDS,
  PATIENT_MODEL,
  PatientDocument,
  toPatient,
  toPatientDocument,
  toWrittenFields,
} from './patient.schema';
import {
  PATIENT_IDENTIFIER_CLAIM_MODEL,
  PatientIdentifierClaimDocument,
} from './patient-identifier-claim.schema';
import type { PatientQuery, TextMatch } from './patient-query';
import {
  PATIENT_VERSION_CLAIM_MODEL,
  PATIENT_VERSION_CLAIM_TTL_MS,
  PatientVersionClaimDocument,
} from './patient-version-claim.schema';

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

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const textCondition = (match: TextMatch) =>
  'exact' in match
    ? { $eq: match.exact }
    : { $regex: `^${escapeRegExp(match.startsWith)}`, $options: 'i' };

/** Every condition of a query ANDed, each on validated strings only. */
function queryFilter(query: PatientQuery): FilterQuery<PatientDocument> {
  const conditions: FilterQuery<PatientDocument>[] = [
    ...(query.ids ?? []).map((id) => ({ _id: { $eq: id } })),
    ...(query.insuranceNumbers ?? []).map((value) => ({
      insuranceNumber: { $eq: value },
    })),
    ...(query.genders ?? []).map((gender) => ({ gender: { $eq: gender } })),
    ...(query.lastNames ?? []).map((m) => ({ lastName: textCondition(m) })),
    ...(query.firstNames ?? []).map((m) => ({ firstName: textCondition(m) })),
    ...(query.postCodes ?? []).map((m) => ({ postCode: textCondition(m) })),
    ...(query.dateOfBirth ?? []).map(({ gte, lte }) => ({
      dateOfBirth: {
        ...(gte !== undefined && { $gte: gte }),
        ...(lte !== undefined && { $lte: lte }),
      },
    })),
  ];
  return conditions.length > 0 ? { $and: conditions } : {};
}

export type ClaimResult =
  | { kind: 'claimed' }
  | { kind: 'taken'; patientId: string; claimedAt: Date }
  | { kind: 'released' };

export type ReplaceResult =
  | { kind: 'replaced'; patient: Versioned<Patient> }
  | { kind: 'not-found' }
  | { kind: 'stale' };

/** Patients in MongoDB / Cosmos DB / FerretDB; every call absorbs Cosmos DB throttling. */
@Injectable()
export class PatientsRepository {
  constructor(
    @InjectModel(PATIENT_MODEL) private readonly model: Model<PatientDocument>,
    @InjectModel(PATIENT_VERSION_CLAIM_MODEL)
    private readonly claims: Model<PatientVersionClaimDocument>,
    @InjectModel(PATIENT_IDENTIFIER_CLAIM_MODEL)
    private readonly identifierClaims: Model<PatientIdentifierClaimDocument>,
  ) {}

  async insert(patient: Patient): Promise<Versioned<Patient>> {
    const doc = toPatientDocument(patient);
    await typedCollection(this.model).insertOne(doc);
    return versioned(doc);
  }

  async findById(id: string): Promise<Versioned<Patient> | undefined> {
    const doc = await this.model
      .findOne({ _id: id, _shardKey: id })
      .lean<PatientDocument>()
      .exec();
    return doc ? versioned(doc) : undefined;
  }

  async exists(id: string): Promise<boolean> {
    const doc = await this.model
      .findOne({ _id: id, _shardKey: id }, { _id: 1 })
      .lean()
      .exec();
    return doc !== null;
  }

  /**
   * Replaces a patient's fields. With `ifMatch`, only while its version is one of those listed: the
   * writer first claims the version it replaces (a unique `_id`), so of concurrent writers holding the
   * same ETag exactly one wins on every database, then writes conditionally on that version.
   */
  async replace(patient: Patient, ifMatch?: IfMatch): Promise<ReplaceResult> {
    const { id, lastUpdated } = patient;
    const fields = toWrittenFields(patient);
    const filter: mongo.Filter<PatientDocument> = { _id: id, _shardKey: id };
    if (ifMatch && !ifMatch.any) {
      const version = await this.claimVersion(id, ifMatch.versions);
      if (version === 'not-found' || version === 'stale') {
        return { kind: version };
      }
      filter._version = version;
    }
    const unset = Object.fromEntries(
      OPTIONAL_PATIENT_FIELDS.filter((name) => fields[name] === undefined).map(
        (name) => [name, ''],
      ),
    ) as mongo.UpdateFilter<PatientDocument>['$unset'];
    const collection = typedCollection(this.model);
    const updated = await collection.findOneAndUpdate(
      filter,
      {
        $set: { ...fields, lastUpdated: new Date(lastUpdated) },
        ...(Object.keys(unset ?? {}).length > 0 && { $unset: unset }),
        $inc: { _version: 1 },
      },
      { returnDocument: 'after' },
    );
    if (updated) {
      return { kind: 'replaced', patient: versioned(updated) };
    }
    return (await this.exists(id)) && ifMatch
      ? { kind: 'stale' }
      : { kind: 'not-found' };
  }

  /** The patient's current version, claimed by this writer, if it is one of `versions`. */
  private async claimVersion(
    id: string,
    versions: number[],
  ): Promise<number | 'stale' | 'not-found'> {
    const current = await this.model
      .findOne({ _id: id, _shardKey: id }, { _version: 1 })
      .lean<Pick<PatientDocument, '_version'>>()
      .exec();
    if (!current) {
      return 'not-found';
    }
    if (!versions.includes(current._version)) {
      return 'stale';
    }
    const claimId = `${id}:${current._version}`;
    try {
      await typedCollection(this.claims).insertOne({
        _id: claimId,
        _shardKey: claimId,
        expiresAt: new Date(Date.now() + PATIENT_VERSION_CLAIM_TTL_MS),
      });
      return current._version;
    } catch (error) {
      if (isDuplicateKey(error)) {
        return 'stale';
      }
      throw error;
    }
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
    const docs = await this.model
      .find(filter)
      .sort({ _id: 1 })
      .limit(limit)
      .lean<PatientDocument[]>()
      .exec();
    return docs.map(toPatient);
  }

  /** Up to `limit` patients matching `query` after `afterId`, in id order (as `search`). */
  async query(
    query: PatientQuery,
    limit: number,
    afterId?: string,
  ): Promise<Versioned<Patient>[]> {
    const filter = queryFilter(query);
    const paged =
      afterId === undefined
        ? filter
        : { $and: [filter, { _id: { $gt: afterId } }] };
    const docs = await this.model
      .find(paged)
      .sort({ _id: 1 })
      .limit(limit)
      .lean<PatientDocument[]>()
      .exec();
    return docs.map(versioned);
  }

  async count(query: PatientQuery): Promise<number> {
    return this.model.countDocuments(queryFilter(query)).exec();
  }

  /**
   * Claims `insuranceNumber` for `patientId` (see PatientIdentifierClaimDocument): exactly one of
   * concurrent claims of one number succeeds; the others learn whose it is.
   */
  async claimIdentifier(
    insuranceNumber: string,
    patientId: string,
  ): Promise<ClaimResult> {
    try {
      await typedCollection(this.identifierClaims).insertOne({
        _id: insuranceNumber,
        _shardKey: insuranceNumber,
        patientId,
        claimedAt: new Date(),
      });
      return { kind: 'claimed' };
    } catch (error) {
      if (!isDuplicateKey(error)) {
        throw error;
      }
    }
    const claim = await this.identifierClaims
      .findOne({ _id: insuranceNumber, _shardKey: insuranceNumber })
      .lean<PatientIdentifierClaimDocument>()
      .exec();
    // Released between our insert and this read: the caller tries again.
    return claim
      ? {
          kind: 'taken',
          patientId: claim.patientId,
          claimedAt: claim.claimedAt,
        }
      : { kind: 'released' };
  }

  /** Releases a claim that names a patient who does not (or no longer) carry its number. */
  async releaseIdentifier(
    insuranceNumber: string,
    patientId: string,
  ): Promise<void> {
    await typedCollection(this.identifierClaims).deleteOne({
      _id: insuranceNumber,
      _shardKey: insuranceNumber,
      patientId,
    });
  }
}
