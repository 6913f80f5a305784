import type { ProblemDetails } from '@app/shared/http';

/** The OperationOutcome issue type (FHIR value set `issue-type`) for an HTTP status. */
function issueCode(status: number): string {
  switch (status) {
    case 400:
      return 'invalid';
    case 401:
      return 'login';
    case 403:
      return 'forbidden';
    case 404:
    case 410:
      return 'not-found';
    case 405:
    case 406:
    case 415:
      return 'not-supported';
    case 409:
    case 412:
      return 'conflict';
    case 413:
      return 'too-long';
    case 422:
      return 'processing';
    case 429:
      return 'throttled';
    case 503:
      return 'transient';
    default:
      return status >= 500 ? 'exception' : 'processing';
  }
}

export interface OperationOutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  details?: { coding?: { system: string; code: string }[]; text?: string };
  diagnostics?: string;
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  id?: string;
  issue: OperationOutcomeIssue[];
}

/** Where this API's stable error codes (`PATIENT_NOT_FOUND`, ...) are named in `details.coding`. */
export const ERROR_CODE_SYSTEM = 'urn:patient-tests:error-code';

/**
 * The FHIR form of a problem+json body: the same status decided in the same place (`toProblem`), one
 * issue per field error, the stable code in `details.coding` and the correlation id as the outcome's
 * id, so a caller can quote it. Only the problem's safe text is carried: nothing of the request.
 */
export function operationOutcomeOf(problem: ProblemDetails): OperationOutcome {
  const code = issueCode(problem.status);
  const details = {
    coding: [{ system: ERROR_CODE_SYSTEM, code: problem.code }],
    text: problem.detail,
  };
  const issues: OperationOutcomeIssue[] =
    problem.errors && problem.errors.length > 0
      ? problem.errors.map((error) => ({
          severity: 'error',
          code,
          details,
          diagnostics: error.message,
          ...(error.path !== '(body)' && {
            expression: [fhirPathOf(error.path)],
          }),
        }))
      : [{ severity: 'error', code, details }];
  return {
    resourceType: 'OperationOutcome',
    ...(isFhirId(problem.correlationId) && { id: problem.correlationId }),
    issue: issues,
  };
}

/** FHIR's `id` datatype: up to 64 of letters, digits, `-` and `.`. */
export const isFhirId = (value: string) => /^[A-Za-z0-9\-.]{1,64}$/.test(value);

/** `name.0.given` (a validation path) as the FHIRPath `name[0].given`. */
const fhirPathOf = (path: string) => path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
