// The baseline of bench/audit-append.mjs: a bare Node HTTP server that answers each POST with one
// `insertOne` of the document an audit append stores (same fields, same sizes), on the same database.
// It does what an append must at least do (parse, build the record, one write, answer), and nothing
// else: no framework, no validation, no chain. Started as its own process by the bench.
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { MongoClient } from 'mongodb';

const { MONGODB_URI, MONGODB_DATABASE, PORT } = process.env;
const client = new MongoClient(MONGODB_URI, {
  retryWrites: false,
  maxPoolSize: 100,
});
const records = client.db(MONGODB_DATABASE).collection('plain_inserts');

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const id = randomUUID();
    const document = {
      _id: id,
      _shardKey: id,
      recordId: id,
      createdDate: new Date(),
      ...body,
      correlationId: randomUUID().replaceAll('-', ''),
      previousHash: '0'.repeat(64),
      hash: createHash('sha256').update(id).digest('hex'),
    };
    records.insertOne(document).then(
      () => {
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ ...document, _id: undefined }));
      },
      () => {
        response.writeHead(503).end();
      },
    );
  });
});

await client.connect();
server.listen(Number(PORT), '127.0.0.1', () => process.send?.('listening'));
process.on('SIGTERM', () => {
  server.close();
  void client.close().then(() => process.exit(0));
});
