import { createServer, Server, Socket, connect } from 'node:net';
import { mongo } from 'mongoose';

type Document = mongo.Document;

const OP_MSG = 2013;
const HEADER_BYTES = 16;
/** Commands that touch data and that Cosmos DB can throttle; handshakes and pings pass untouched. */
const THROTTLEABLE = new Set([
  'insert',
  'find',
  'update',
  'delete',
  'findAndModify',
  'aggregate',
  'count',
]);

/**
 * A MongoDB wire-protocol proxy that answers a share of data commands itself with Cosmos DB's
 * throttling error (code 16500, "RetryAfterMs=<n>") instead of forwarding them, the way Cosmos DB
 * does when a request exceeds the provisioned throughput. Everything else is forwarded byte for byte.
 * It can also hold data commands back (a slow database) and record the commands it forwards.
 */
export class ThrottlingProxy {
  /** Share of data commands to throttle, 0..1; may be changed while running. */
  ratio: number;
  /** Milliseconds each data command is held before it is forwarded; may be changed while running. */
  delayMs = 0;
  /** When an array, the body of every data command forwarded is appended to it. */
  commands?: Document[];
  throttled = 0;
  forwarded = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly upstreamPort: number,
    ratio: number,
    private readonly retryAfterMs = 10,
  ) {
    this.ratio = ratio;
  }

  get uri(): string {
    return `mongodb://127.0.0.1:${this.port}/`;
  }

  async start(): Promise<void> {
    this.server = createServer((client) => this.handle(client));
    await new Promise<void>((resolve) =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private handle(client: Socket): void {
    const upstream = connect(this.upstreamPort, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', close).on('close', close);
    client.on('error', close).on('close', close);

    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0);
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        const command = dataCommandOf(message);
        if (command && Math.random() < this.ratio) {
          this.throttled++;
          client.write(this.throttlingReply(message.readInt32LE(4)));
        } else {
          this.forwarded++;
          if (command) {
            this.commands?.push(command);
          }
          if (command && this.delayMs > 0) {
            setTimeout(() => upstream.write(message), this.delayMs);
          } else {
            upstream.write(message);
          }
        }
      }
    });
  }

  private throttlingReply(requestId: number): Buffer {
    const body = Buffer.from(
      mongo.BSON.serialize({
        ok: 0,
        errmsg: `Request rate is large. More Request Units may be needed, so no changes were made. Please retry this request later. RetryAfterMs=${this.retryAfterMs}`,
        code: 16500,
        codeName: 'RequestRateTooLarge',
      }),
    );
    const header = Buffer.alloc(HEADER_BYTES + 5);
    header.writeInt32LE(HEADER_BYTES + 5 + body.length, 0);
    header.writeInt32LE(0, 4);
    header.writeInt32LE(requestId, 8);
    header.writeInt32LE(OP_MSG, 12);
    header.writeUInt32LE(0, 16);
    header.writeUInt8(0, 20);
    return Buffer.concat([header, body]);
  }
}

/** The command body of an OP_MSG that touches data, else undefined (handshakes, pings, other opcodes). */
function dataCommandOf(message: Buffer): Document | undefined {
  if (
    message.readInt32LE(12) !== OP_MSG ||
    message.readUInt8(HEADER_BYTES + 4) !== 0
  ) {
    return undefined;
  }
  const bodyStart = HEADER_BYTES + 5;
  const body = mongo.BSON.deserialize(
    message.subarray(bodyStart, bodyStart + message.readInt32LE(bodyStart)),
  );
  return THROTTLEABLE.has(Object.keys(body)[0]) ? body : undefined;
}
