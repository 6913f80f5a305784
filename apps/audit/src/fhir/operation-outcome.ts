import type { ProblemDetails } from '@app/shared/http';
import type {
  OperationOutcome,
  OperationOutcomeIssue,
} from '@medplum/fhirtypes';
import { FHIR_NAMESPACE } from './fhir-namespace';

/** The platform's stable error codes (problem+json's `code`), as a code system. */
export const ERROR_CODE_SYSTEM = `${FHIR_NAMESPACE}:error-code`;

type IssueType = OperationOutcomeIssue['code'];

const ISSUE_TYPE_OF_STATUS: Readonly<Partial<Record<number, IssueType>>> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  406: 'not-supported',
  409: 'conflict',
  412: 'conflict',
  413: 'too-costly',
  415: 'not-supported',
  422: 'processing',
  429: 'throttled',
  503: 'transient',
  504: 'timeout',
};

const issueTypeOf = (status: number): IssueType =>
  ISSUE_TYPE_OF_STATUS[status] ?? (status >= 500 ? 'exception' : 'invalid');

/**
 * The platform's problem (what `toProblem` decided the client may know) as an OperationOutcome: the
 * same status, code and detail, so the two APIs report one error alike.
 */
export function operationOutcomeOf(problem: ProblemDetails): OperationOutcome {
  const main: OperationOutcomeIssue = {
    severity: 'error',
    code: issueTypeOf(problem.status),
    details: {
      coding: [{ system: ERROR_CODE_SYSTEM, code: problem.code }],
      text: problem.detail,
    },
    diagnostics: `correlationId ${problem.correlationId}`,
  };
  const fields = (problem.errors ?? []).map((error): OperationOutcomeIssue => ({
    severity: 'error',
    code: 'invalid',
    diagnostics: `${error.path}: ${error.message}`,
  }));
  return { resourceType: 'OperationOutcome', issue: [main, ...fields] };
}
