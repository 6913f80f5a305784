/**
 * Runs an entry point; a failure to start prints its message (for a configuration error, the list
 * of bad variables) and exits 1, instead of an unhandled rejection's stack trace.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(
      `Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
