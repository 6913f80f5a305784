import type { AuditApi } from './api';
import { byId, element, fieldValue } from './dom';
import { clearError, InputError, showError, showStatus } from './messages';
import { utcTime, type ChainVerification } from './records';

const REASONS: Record<string, string> = {
  'record-changed':
    'a record no longer matches its hash or its predecessor (changed, inserted or reordered)',
  'record-missing': 'a record is missing (deleted)',
  truncated:
    'the newest records were removed: the chain ends before a signed checkpoint',
  rewritten:
    'the chain was rewritten with recomputed hashes: a signed checkpoint no longer matches',
  'checkpoint-rejected': 'a stored checkpoint has no valid signature',
};

/** A sequence number typed by the user, or undefined (empty or not a whole number from 1). */
function sequence(value: string | undefined): number | undefined {
  return value && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : undefined;
}

/** The register's head, its newest signed checkpoint and the result of the last verification. */
export class RegisterView {
  private summary = 'The register has not been verified from this page yet.';

  constructor(private readonly api: () => AuditApi) {
    const form = byId<HTMLFormElement>('verify-form');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const fromText = fieldValue(form, 'from');
      const toText = fieldValue(form, 'to');
      const from = sequence(fromText);
      const to = sequence(toText);
      if ((fromText && !from) || (toText && !to) || (from && to && to < from)) {
        showError(
          new InputError(
            'Give sequence numbers from 1, with "to" not below "from".',
          ),
        );
        return;
      }
      void this.verify(from, to);
    });
  }

  /** One sentence for the printed accounting: how far the register was checked, and the result. */
  printSummary(): string {
    return this.summary;
  }

  async refresh(): Promise<void> {
    await Promise.all([this.showCheckpoint(), this.verify()]);
  }

  private async showCheckpoint(): Promise<void> {
    try {
      const checkpoint = await this.api().latestCheckpoint();
      byId('register-checkpoint').textContent = checkpoint
        ? `sequence ${checkpoint.sequence}, signed ${utcTime(checkpoint.createdDate)} UTC by ${checkpoint.keyId}`
        : 'none (no checkpoint yet, or checkpoints are not configured)';
    } catch (error) {
      showError(error);
    }
  }

  async verify(from?: number, to?: number): Promise<void> {
    clearError();
    const range =
      from || to
        ? `sequences ${from ?? 1} to ${to ?? 'the head'}`
        : 'the whole register';
    const output = byId('register-verify');
    output.textContent = `verifying ${range}…`;
    const button = byId<HTMLFormElement>('verify-form').querySelector('button');
    if (button) {
      button.disabled = true;
    }
    try {
      const result = await this.api().verify(from, to, (checked) =>
        showStatus(`Verifying ${range}: ${checked} records checked…`),
      );
      this.render(result, range);
    } catch (error) {
      output.textContent = 'the verification could not run';
      showError(error);
    } finally {
      if (button) {
        button.disabled = false;
      }
    }
  }

  private render(result: ChainVerification, range: string): void {
    byId('register-head').textContent =
      `sequence ${result.head.sequence}, hash ${result.head.hash}`;
    const output = byId('register-verify');
    output.replaceChildren();
    const at = utcTime(new Date().toISOString());
    if (result.valid) {
      output.append(
        element('span', 'Valid', 'valid'),
        element(
          'span',
          `: ${range}, ${result.checked} records checked at ${at} UTC${result.checkpoint ? `, matching the checkpoint at sequence ${result.checkpoint.sequence}` : ''}.`,
        ),
      );
      this.summary = `Register verified at ${at} UTC: ${range} valid (${result.checked} records), head ${result.head.sequence}.`;
      showStatus(`Verified: ${range} is intact.`);
    } else {
      const reason =
        REASONS[result.reason ?? ''] ?? result.reason ?? 'unknown reason';
      output.append(
        element(
          'span',
          `Failed at sequence ${result.firstInvalidSequence ?? '?'}`,
          'invalid',
        ),
        element(
          'span',
          `: ${reason} (${result.reason}); ${range} checked at ${at} UTC.`,
        ),
      );
      this.summary = `Register verification FAILED at ${at} UTC at sequence ${result.firstInvalidSequence}: ${reason}.`;
      showStatus(
        `Verification failed at sequence ${result.firstInvalidSequence ?? '?'}.`,
      );
    }
  }
}
