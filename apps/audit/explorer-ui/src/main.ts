import { AuditApi } from './api';
import { DetailsView } from './details-view';
import { byId } from './dom';
import { keyStore } from './key-store';
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

async function openWith(key: string): Promise<void> {
  clearError();
  showStatus('Checking the key…');
  const candidate = new AuditApi(key);
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
  keyStore.set(key);
  showWorkspace(true);
  showStatus('The register is open.');
  byId('patient-id').focus();
  await register.refresh();
}

byId<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId<HTMLInputElement>('reader-key');
  const key = input.value.trim();
  input.value = '';
  if (key === '') {
    showError(new InputError('Enter a reader key.'));
    return;
  }
  void openWith(key);
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
