import * as net from 'net';
import * as tls from 'tls';
import { Reader, Writer, ProtocolDecodeError } from '../protocol/primitives';
import { ApiKey, apiKeyName } from '../protocol/api-keys';
import type { Cluster } from './cluster';
import type { ApiHandler, RequestHeader } from './apis/types';
import { newConnectionState, type ConnectionState } from './connection';
import { handlerFor, versionsOf } from './apis/registry';
import { encodeUnsupportedApiVersionsResponse } from './apis/api-versions';
import { handleRawSaslToken } from './apis/sasl-authenticate';

const FRAME_SIZE_BYTES = 4;
/** Requests read ahead of the one being served before the broker stops reading a connection (Kafka reads one). */
const MAX_QUEUED_REQUESTS_PER_CONNECTION = 64;

/**
 * One broker of the embedded cluster: a TCP listener on 127.0.0.1. Requests on a connection are handled one at a time
 * and answered in order, as Kafka does (it mutes a channel until its response is sent).
 */
export class BrokerNode {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private up = false;
  port: number;

  constructor(
    readonly id: number,
    readonly host: string,
    port: number,
    private readonly cluster: Cluster,
  ) {
    this.port = port;
  }

  get isUp(): boolean {
    return this.up;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.up) return;
    const server = this.createListener();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.cluster.logger.warn(`node ${this.id}: listener error: ${error.message}`));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
    this.up = true;
  }

  /** A plaintext listener, or a TLS one whose connections are served once their handshake is done. */
  private createListener(): net.Server {
    const options = this.cluster.settings.tls;
    if (!options) return net.createServer((socket) => this.accept(socket));
    const { key, cert, ca, requestCert = false } = options;
    const server = tls.createServer({ key, cert, ca, requestCert, rejectUnauthorized: requestCert }, (socket) =>
      this.accept(socket),
    );
    // Connections still in their handshake are not served yet; stop() must be able to cut them too.
    server.on('connection', (raw: net.Socket) => {
      this.sockets.add(raw);
      raw.once('close', () => this.sockets.delete(raw));
    });
    // A refused handshake (untrusted client certificate, plaintext client) is the client's problem; say so once.
    server.on('tlsClientError', (error, socket) => {
      this.cluster.logger.warn(
        `node ${this.id}: TLS handshake with ${socket.remoteAddress}:${socket.remotePort} failed: ${error.message}`,
      );
      socket.destroy();
    });
    return server;
  }

  /** Closes the listener and every client connection, as a killed broker would. */
  async stop(): Promise<void> {
    if (!this.up) return;
    this.up = false;
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    if (!this.up) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const connection = newConnectionState(
      `${socket.remoteAddress}:${socket.remotePort}`,
      this.cluster.settings.saslUsers !== null,
    );
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    // Bytes the buffered input must reach before parsing is worth trying: a large frame arriving in many chunks is
    // joined once, not once per chunk.
    let awaitedBytes = FRAME_SIZE_BYTES;
    let queue: Promise<void> = Promise.resolve();
    let queuedRequests = 0;
    let closed = false;

    const close = (reason: string | null, flushFirst = false): void => {
      if (closed) return;
      closed = true;
      if (reason)
        this.cluster.logger.warn(`node ${this.id}: closing connection ${connection.remoteAddress}: ${reason}`);
      if (!flushFirst) {
        socket.destroy();
        return;
      }
      // Let the last response reach the client, and do not wait on a peer that never closes its side.
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    };

    // Backpressure: stop reading from a client that pipelines faster than it is served, or that does not read its
    // responses, so neither the request queue nor the unsent responses grow without bound.
    const updateFlow = (): void => {
      if (closed) return;
      const stalled = queuedRequests >= MAX_QUEUED_REQUESTS_PER_CONNECTION || socket.writableNeedDrain;
      if (stalled && !socket.isPaused()) socket.pause();
      else if (!stalled && socket.isPaused()) socket.resume();
    };
    socket.on('drain', updateFlow);

    socket.on('data', (chunk: Buffer) => {
      if (closed) return;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < awaitedBytes) return;
      let data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      let offset = 0;
      awaitedBytes = FRAME_SIZE_BYTES;
      while (data.length - offset >= FRAME_SIZE_BYTES) {
        const size = data.readInt32BE(offset);
        if (size < 0 || size > this.cluster.settings.maxRequestBytes) {
          close(`frame size ${size} outside 0..${this.cluster.settings.maxRequestBytes} (socket.request.max.bytes)`);
          return;
        }
        if (data.length - offset - FRAME_SIZE_BYTES < size) {
          awaitedBytes = FRAME_SIZE_BYTES + size;
          break;
        }
        const frame = data.subarray(offset + FRAME_SIZE_BYTES, offset + FRAME_SIZE_BYTES + size);
        offset += FRAME_SIZE_BYTES + size;
        queuedRequests++;
        queue = queue
          .then(() => (closed ? undefined : this.process(frame, connection, socket, close)))
          .catch((error: unknown) => close(`internal error: ${(error as Error).stack ?? String(error)}`))
          .finally(() => {
            queuedRequests--;
            updateFlow();
          });
      }
      data = data.subarray(offset);
      pending = data.length > 0 ? [data] : [];
      pendingBytes = data.length;
      updateFlow();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      this.sockets.delete(socket);
    });
  }

  private async process(
    frame: Buffer,
    connection: ConnectionState,
    socket: net.Socket,
    close: (reason: string, flushFirst?: boolean) => void,
  ): Promise<void> {
    if (connection.saslRawTokens) {
      // After SaslHandshake v0 the next frame is a bare SASL token without a request header.
      const reply = handleRawSaslToken(frame, connection, this.cluster);
      if (reply === null) close('SASL authentication failed');
      else this.send(socket, reply);
      return;
    }

    let header: RequestHeader;
    const reader = new Reader(frame);
    try {
      header = {
        apiKey: reader.int16(),
        apiVersion: reader.int16(),
        correlationId: reader.int32(),
        clientId: reader.nullableString(),
      };
    } catch (error) {
      close(`unreadable request header: ${(error as Error).message}`);
      return;
    }
    connection.clientId = header.clientId;

    const versions = versionsOf(this.cluster.settings.profile);
    const handler = handlerFor(header.apiKey);
    const served = versions.served.get(header.apiKey);
    if (!handler || !served) {
      close(`unknown API key ${header.apiKey}`);
      return;
    }
    if (header.apiVersion < served.minVersion || header.apiVersion > served.maxVersion) {
      if (header.apiKey === ApiKey.ApiVersions) {
        // Kafka answers an ApiVersions request it cannot parse with a v0 response carrying UNSUPPORTED_VERSION,
        // so a newer client can retry with a version both sides know.
        this.reply(socket, header.correlationId, (writer) =>
          encodeUnsupportedApiVersionsResponse(writer, versions.unsupportedApiVersionsRanges),
        );
        return;
      }
      // Kafka 4 refuses the versions KIP-896 removed the same way, even where its ApiVersions still lists them.
      close(
        `${apiKeyName(header.apiKey)} v${header.apiVersion} is not supported (v${served.minVersion}-v${served.maxVersion})`,
      );
      return;
    }
    if (
      !connection.authenticated &&
      header.apiKey !== ApiKey.SaslHandshake &&
      header.apiKey !== ApiKey.ApiVersions &&
      header.apiKey !== ApiKey.SaslAuthenticate
    ) {
      close(`${apiKeyName(header.apiKey)} before SASL authentication`);
      return;
    }

    let request: unknown;
    try {
      request = handler.decodeRequest(reader, header.apiVersion);
    } catch (error) {
      const detail = error instanceof ProtocolDecodeError ? error.message : String(error);
      close(`malformed ${apiKeyName(header.apiKey)} v${header.apiVersion} request: ${detail}`);
      return;
    }

    let response: unknown;
    try {
      response = await handler.handle(request, {
        header,
        apiRanges: versions.advertised,
        cluster: this.cluster,
        node: this,
        connection,
      });
    } catch (error) {
      close(`${apiKeyName(header.apiKey)} v${header.apiVersion} failed: ${(error as Error).stack ?? String(error)}`);
      return;
    }
    if (response === null || socket.destroyed) return;
    try {
      this.reply(socket, header.correlationId, (writer) =>
        (handler as ApiHandler).encodeResponse(writer, response, header.apiVersion),
      );
    } catch (error) {
      close(
        `could not encode ${apiKeyName(header.apiKey)} v${header.apiVersion} response: ${(error as Error).message}`,
      );
      return;
    }
    if (connection.closeAfterResponse !== null) close(connection.closeAfterResponse, true);
  }

  private reply(socket: net.Socket, correlationId: number, writeBody: (writer: Writer) => void): void {
    const writer = new Writer();
    const sizeAt = writer.reserveInt32();
    writer.int32(correlationId);
    writeBody(writer);
    writer.patchInt32(sizeAt, writer.length - FRAME_SIZE_BYTES);
    // A Fetch response references stored batches instead of copying them: the pieces go out as one gather write.
    const pieces = writer.toBuffers();
    if (pieces.length === 1) {
      this.send(socket, pieces[0]!);
      return;
    }
    if (socket.destroyed) return;
    socket.cork();
    for (const piece of pieces) socket.write(piece);
    socket.uncork();
  }

  private send(socket: net.Socket, bytes: Buffer): void {
    if (!socket.destroyed) socket.write(bytes);
  }
}
