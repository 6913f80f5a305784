import { ApiError } from './api';
import { byId } from './dom';

/** Progress and results for screen readers and sighted users alike (a polite live region). */
export function showStatus(text: string): void {
  byId('status').textContent = text;
}

/** A failure, announced at once (role=alert); cleared by the next action. */
export function showError(error: unknown): void {
  const box = byId('error');
  box.textContent = describeError(error);
  box.hidden = false;
}

export function clearError(): void {
  const box = byId('error');
  box.textContent = '';
  box.hidden = true;
}

/** A mistake in what the user typed: shown as it is. */
export class InputError extends Error {}

export function describeError(error: unknown): string {
  if (error instanceof InputError) {
    return error.message;
  }
  if (error instanceof ApiError) {
    if (error.status === 401 || error.status === 403) {
      return `This key was refused (${error.status}): ${error.message}`;
    }
    return `The audit API answered ${error.status}${error.code ? ` ${error.code}` : ''}: ${error.message}`;
  }
  return `The audit API could not be reached: ${error instanceof Error ? error.message : String(error)}`;
}
