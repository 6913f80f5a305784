import { existsSync } from 'node:fs';
import {
  FERRETDB_BINARY,
  startFerretDb,
} from '../../../scripts/lib/processes.cjs';

/** What global-teardown stops; jest keeps globals set here for the teardown. */
declare global {
  var stopE2eDatabase: (() => Promise<void>) | undefined;
}

async function dockerIsAvailable(): Promise<boolean> {
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) {
    return false;
  }
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * Chooses the e2e database, in this order: MONGODB_URI, MongoDB in Docker via Testcontainers,
 * FerretDB from .tools/bin. Never skips: without any of them the run fails and says what to install.
 * Test files read the choice from E2E_MONGODB_URI (workers inherit this process's environment).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.E2E_MONGODB_URI = process.env.MONGODB_URI;
    process.stdout.write('\ne2e database: MONGODB_URI\n');
    return;
  }
  if (await dockerIsAvailable()) {
    const { MongoDBContainer } = await import('@testcontainers/mongodb');
    const container = await new MongoDBContainer('mongo:7.0').start();
    process.env.E2E_MONGODB_URI = `${container.getConnectionString()}?directConnection=true`;
    globalThis.stopE2eDatabase = async () => {
      await container.stop();
    };
    process.stdout.write(
      '\ne2e database: MongoDB 7.0 in Docker (Testcontainers)\n',
    );
    return;
  }
  if (existsSync(FERRETDB_BINARY)) {
    const ferretdb = await startFerretDb({ logLevel: 'error' });
    process.env.E2E_MONGODB_URI = ferretdb.uri;
    globalThis.stopE2eDatabase = ferretdb.stop;
    process.stdout.write(
      `\ne2e database: FerretDB (SQLite) at ${ferretdb.uri}\n`,
    );
    return;
  }
  throw new Error(
    'No database for the e2e tests. Set MONGODB_URI, start Docker (Testcontainers runs MongoDB), ' +
      'or run `make setup` to build FerretDB (needs Go).',
  );
}
