/**
 * The keys for this tab: sessionStorage, so a reload keeps them and closing the tab forgets them.
 * Never a URL, a cookie (sent without being asked) or localStorage (kept across sessions).
 */
const STORAGE_NAME = 'auditExplorerReaderKey';
const SUBSCRIPTION_STORAGE_NAME = 'auditExplorerSubscriptionKey';

/** What the page sends with each request: the reader key, and behind API Management the subscription key. */
export interface Keys {
  readerKey: string;
  subscriptionKey?: string;
}

export const keyStore = {
  get: (): Keys | undefined => {
    const readerKey = sessionStorage.getItem(STORAGE_NAME);
    if (readerKey === null) {
      return undefined;
    }
    const subscriptionKey = sessionStorage.getItem(SUBSCRIPTION_STORAGE_NAME);
    return subscriptionKey === null
      ? { readerKey }
      : { readerKey, subscriptionKey };
  },
  set: (keys: Keys) => {
    sessionStorage.setItem(STORAGE_NAME, keys.readerKey);
    if (keys.subscriptionKey !== undefined) {
      sessionStorage.setItem(SUBSCRIPTION_STORAGE_NAME, keys.subscriptionKey);
    }
  },
  clear: () => {
    sessionStorage.removeItem(STORAGE_NAME);
    sessionStorage.removeItem(SUBSCRIPTION_STORAGE_NAME);
  },
};
