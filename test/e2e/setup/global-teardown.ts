/** Stops the database global-setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.stopE2eDatabase?.();
}
