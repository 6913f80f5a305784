// `make db`: each service's FerretDB alone (as `make dev` starts them), for `nest start <app> --watch`;
// prints the MONGODB_URI each app must be started with, and stops both on Ctrl-C.
import processes from './lib/processes.cjs';

const { startLocalStore } = processes;
const SERVICES = ['patient-tests', 'audit'];
const databases = [];

async function stopAll(code) {
  await Promise.all(databases.map((database) => database.stop()));
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function main() {
  for (const service of SERVICES) {
    databases.push(await startLocalStore(service));
  }
  const lines = databases.map(
    (database, index) =>
      `    MONGODB_URI='${database.uri}' scripts/run.sh npx nest start ${SERVICES[index]} --watch`,
  );
  console.info(`
  FerretDB for patient-tests on 127.0.0.1:${databases[0].port}, for audit on 127.0.0.1:${databases[1].port};
  each accepts only its own service's user. Start each app with its own connection string:

${lines.join('\n')}

  Ctrl-C stops both.
`);
}

main().catch((error) => {
  console.error(`make db failed: ${error.message}`);
  void stopAll(1);
});
