// Types of processes.cjs for the TypeScript that requires it (the e2e global setup).
export declare const ROOT: string;
export declare const FERRETDB_BINARY: string;
export declare function freePort(): Promise<number>;
export declare function sleep(ms: number): Promise<void>;
export declare function waitForPort(
  port: number,
  options?: { host?: string; timeoutMs?: number },
): Promise<void>;
export declare function waitForHealth(
  url: string,
  options?: { timeoutMs?: number },
): Promise<void>;
export declare function startFerretDb(options?: {
  port?: number;
  dataDir?: string;
  logLevel?: string;
}): Promise<{ uri: string; pid: number; stop: () => Promise<void> }>;
