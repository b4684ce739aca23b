/**
 * One request, one answer, on a connection of its own: what the probe needs to ask a broker something before any
 * client library is involved (and what a broker that ignores the request, like Kafka 0.9 with ApiVersions, does).
 */
import * as net from 'net';
import * as tls from 'tls';
import type { TlsOptions } from '../common/types';
import { Reader } from '../protocol/primitives';

export class BrokerUnreachableError extends Error {
  override readonly name = 'BrokerUnreachableError';
}

/** The broker took the request and then closed the connection or stayed silent. */
export class NoAnswerError extends Error {
  override readonly name = 'NoAnswerError';
}

export interface ExchangeOptions {
  ssl?: TlsOptions | boolean;
  timeoutMs: number;
}

export function parseAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`"${address}" is not host:port`);
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port };
}

function connect(address: string, ssl: ExchangeOptions['ssl']): net.Socket {
  const { host, port } = parseAddress(address);
  if (!ssl) return net.connect({ host, port });
  const options = ssl === true ? {} : ssl;
  return tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...options });
}

/**
 * Sends `frame` (a whole request with its size prefix) and resolves with the answer's body after the correlation id.
 * Rejects with BrokerUnreachableError when no connection could be made, NoAnswerError when the broker closed it or
 * said nothing within the timeout.
 */
export function exchange(address: string, frame: Buffer, options: ExchangeOptions): Promise<Reader> {
  return new Promise((resolve, reject) => {
    const socket = connect(address, options.ssl);
    let connected = false;
    let received = Buffer.alloc(0);
    const finish = (error: Error | null, reader?: Reader): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      if (error) reject(error);
      else resolve(reader!);
    };
    const timer = setTimeout(
      () =>
        finish(
          connected
            ? new NoAnswerError(`no answer within ${options.timeoutMs} ms`)
            : new BrokerUnreachableError(`${address}: no connection within ${options.timeoutMs} ms`),
        ),
      options.timeoutMs,
    );
    socket.once(options.ssl ? 'secureConnect' : 'connect', () => {
      connected = true;
      socket.write(frame);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      finish(
        connected
          ? new NoAnswerError(`connection failed before an answer: ${error.message}`)
          : new BrokerUnreachableError(`${address}: ${error.code ?? error.message}`),
      );
    });
    socket.on('close', () =>
      finish(
        connected
          ? new NoAnswerError('the broker closed the connection without answering')
          : new BrokerUnreachableError(`${address}: connection closed`),
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      const reader = new Reader(received, 4, 4 + received.readInt32BE(0));
      reader.int32();
      finish(null, reader);
    });
  });
}
