import * as net from 'net';
import { Reader, Writer } from '../../src/protocol/primitives';
import { encodeRequestFrame } from '../../src/protocol/request-frame';

/**
 * A bare Kafka connection for tests that need exact control over a request: it frames one request with header v1
 * (written with the project's Writer), and hands back the response body as a Reader positioned after the correlation
 * id. Requests on one connection are answered in order, as by any Kafka broker.
 */
export class RawConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private nextCorrelationId = 1;
  private readonly waiting: {
    correlationId: number;
    resolve: (body: Reader) => void;
    reject: (error: Error) => void;
  }[] = [];
  private failure: Error | null = null;

  private constructor(
    private readonly socket: net.Socket,
    readonly clientId: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed by the broker')));
  }

  static open(address: string, clientId = 'raw-client'): Promise<RawConnection> {
    const separator = address.lastIndexOf(':');
    const host = address.slice(0, separator);
    const port = Number(address.slice(separator + 1));
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => {
        socket.off('error', reject);
        resolve(new RawConnection(socket, clientId));
      });
      socket.once('error', reject);
    });
  }

  /** Sends one request and resolves with its response body (after the correlation id). */
  request(apiKey: number, apiVersion: number, writeBody: (writer: Writer) => void): Promise<Reader> {
    if (this.failure) return Promise.reject(this.failure);
    const correlationId = this.nextCorrelationId++;
    const frame = encodeRequestFrame(apiKey, apiVersion, correlationId, this.clientId, writeBody);
    const promise = new Promise<Reader>((resolve, reject) => this.waiting.push({ correlationId, resolve, reject }));
    this.socket.write(frame);
    return promise;
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const reader = new Reader(frame);
      const correlationId = reader.int32();
      const next = this.waiting.shift();
      if (!next) continue;
      if (next.correlationId !== correlationId) {
        next.reject(new Error(`expected correlation id ${next.correlationId}, got ${correlationId}`));
        continue;
      }
      next.resolve(reader);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}

/** Opens a connection, sends one request, reads its response and closes. */
export async function rawRequest(
  address: string,
  apiKey: number,
  apiVersion: number,
  writeBody: (writer: Writer) => void,
): Promise<Reader> {
  const connection = await RawConnection.open(address);
  try {
    return await connection.request(apiKey, apiVersion, writeBody);
  } finally {
    connection.close();
  }
}
