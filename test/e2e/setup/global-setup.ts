import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  FERRETDB_BINARY,
  startFerretDb,
} from '../../../scripts/lib/processes.cjs';
import { E2E_DATABASE_VARIABLES, type Service } from '../support/databases';

/** What global-teardown stops; jest keeps globals set here for the teardown. */
declare global {
  var stopE2eDatabase: (() => Promise<void>) | undefined;
}

const SERVICES: Service[] = ['patient-tests', 'audit'];

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

/** Gives each service its store (test files read them from E2E_DATABASE_VARIABLES; workers inherit them). */
function publish(uris: Record<Service, string>): void {
  for (const service of SERVICES) {
    process.env[E2E_DATABASE_VARIABLES[service]] = uris[service];
  }
}

/**
 * Chooses the e2e databases, one store and credential per service as in production, in this order:
 * MONGODB_URI (patient-tests) and AUDIT_MONGODB_URI (audit; MONGODB_URI when unset, and then the
 * separation test fails, saying so), two MongoDB containers via Testcontainers, two FerretDB
 * processes from .tools/bin. Never skips: without any of them the run fails and says what to install.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    publish({
      'patient-tests': process.env.MONGODB_URI,
      audit: process.env.AUDIT_MONGODB_URI ?? process.env.MONGODB_URI,
    });
    process.stdout.write(
      `\ne2e databases: MONGODB_URI for patient-tests, ${process.env.AUDIT_MONGODB_URI ? 'AUDIT_MONGODB_URI' : 'MONGODB_URI too'} for audit\n`,
    );
    return;
  }
  if (await dockerIsAvailable()) {
    const { MongoDBContainer } = await import('@testcontainers/mongodb');
    const containers = await Promise.all(
      SERVICES.map((service) =>
        new MongoDBContainer('mongo:7.0')
          .withUsername(service)
          .withPassword(randomBytes(16).toString('hex'))
          .start(),
      ),
    );
    publish(
      Object.fromEntries(
        SERVICES.map((service, index) => {
          const uri = new URL(containers[index].getConnectionString());
          uri.searchParams.set('directConnection', 'true');
          return [service, uri.toString()];
        }),
      ) as Record<Service, string>,
    );
    globalThis.stopE2eDatabase = async () => {
      await Promise.all(containers.map((container) => container.stop()));
    };
    process.stdout.write(
      '\ne2e databases: MongoDB 7.0 in Docker (Testcontainers), one container and user per service\n',
    );
    return;
  }
  if (existsSync(FERRETDB_BINARY)) {
    const stores = await Promise.all(
      SERVICES.map((service) =>
        startFerretDb({ logLevel: 'error', username: service }),
      ),
    );
    publish({ 'patient-tests': stores[0].uri, audit: stores[1].uri });
    globalThis.stopE2eDatabase = async () => {
      await Promise.all(stores.map((store) => store.stop()));
    };
    process.stdout.write(
      `\ne2e databases: FerretDB (SQLite), patient-tests on port ${stores[0].port}, audit on port ${stores[1].port}, one user each\n`,
    );
    return;
  }
  throw new Error(
    'No database for the e2e tests. Set MONGODB_URI (and AUDIT_MONGODB_URI), start Docker ' +
      '(Testcontainers runs MongoDB), or run `make setup` to build FerretDB (needs Go).',
  );
}
