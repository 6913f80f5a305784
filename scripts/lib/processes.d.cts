// Types of processes.cjs for the TypeScript that requires it (the e2e global setup).
export declare const ROOT: string;
export declare const FERRETDB_BINARY: string;
export declare const LOCAL_STORES: Readonly<
  Record<
    'patient-tests' | 'audit',
    Readonly<{
      port: number;
      portVariable: string;
      username: string;
      password: string;
    }>
  >
>;
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
/** A FerretDB started by startFerretDb: `uri` carries its credential. */
export interface FerretDb {
  uri: string;
  port: number;
  username: string;
  password: string;
  pid: number;
  stop: () => Promise<void>;
}
export declare function startFerretDb(options?: {
  port?: number;
  dataDir?: string;
  logLevel?: string;
  username?: string;
  password?: string;
}): Promise<FerretDb>;
export declare function startLocalStore(
  service: 'patient-tests' | 'audit',
  options?: { logLevel?: string },
): Promise<FerretDb & { dataDir: string }>;
