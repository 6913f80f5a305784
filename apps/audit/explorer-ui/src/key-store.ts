/**
 * The reader key for this tab: sessionStorage, so a reload keeps it and closing the tab forgets it.
 * Never a URL, a cookie (sent without being asked) or localStorage (kept across sessions).
 */
const STORAGE_NAME = 'auditExplorerReaderKey';

export const keyStore = {
  get: (): string | undefined =>
    sessionStorage.getItem(STORAGE_NAME) ?? undefined,
  set: (key: string) => sessionStorage.setItem(STORAGE_NAME, key),
  clear: () => sessionStorage.removeItem(STORAGE_NAME),
};
