import { AuditApi, behindGateway } from './api';
import { DetailsView } from './details-view';
import { byId } from './dom';
import { Keys, keyStore } from './key-store';
import { clearError, InputError, showError, showStatus } from './messages';
import { RegisterView } from './register-view';
import { SearchView } from './search-view';

/** The page's entry: the key first, then the views, all over the reader-only API. */
let api: AuditApi | undefined;
const currentApi = (): AuditApi => {
  if (!api) {
    throw new Error('No reader key yet');
  }
  return api;
};

const details = new DetailsView(currentApi);
const register = new RegisterView(currentApi);
new SearchView(currentApi, details, () => register.printSummary());

function showWorkspace(open: boolean): void {
  byId('sign-in').hidden = open;
  byId('workspace').hidden = !open;
  byId('sign-out').hidden = !open;
}

async function openWith(keys: Keys): Promise<void> {
  clearError();
  showStatus('Checking the key…');
  const candidate = new AuditApi(keys);
  try {
    await candidate.checkKey();
  } catch (error) {
    keyStore.clear();
    showStatus('');
    showError(error);
    byId('reader-key').focus();
    return;
  }
  api = candidate;
  keyStore.set(keys);
  showWorkspace(true);
  showStatus('The register is open.');
  byId('patient-id').focus();
  await register.refresh();
}

// Behind API Management every call also needs the auditor's subscription key.
const gateway = behindGateway();
byId('subscription-key-field').hidden = !gateway;

byId<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId<HTMLInputElement>('reader-key');
  const subscriptionInput = byId<HTMLInputElement>('subscription-key');
  const key = input.value.trim();
  const subscriptionKey = subscriptionInput.value.trim();
  input.value = '';
  subscriptionInput.value = '';
  if (key === '') {
    showError(new InputError('Enter a reader key.'));
    return;
  }
  if (gateway && subscriptionKey === '') {
    showError(new InputError('Enter your Auditors subscription key.'));
    return;
  }
  void openWith(
    gateway ? { readerKey: key, subscriptionKey } : { readerKey: key },
  );
});

byId('sign-out').addEventListener('click', () => {
  keyStore.clear();
  api = undefined;
  // Nothing read with the key stays on the page once it is forgotten.
  window.location.reload();
});

const saved = keyStore.get();
if (saved) {
  void openWith(saved);
} else {
  showWorkspace(false);
}
