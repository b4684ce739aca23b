import * as net from 'net';
import { Writer } from '../../src/protocol/primitives';
import { encodeRequestFrame } from '../../src/protocol/request-frame';

/** A request frame: INT32 size, then header v1 (api key, version, correlation id, client id), then the body. */
export function requestFrame(
  apiKey: number,
  apiVersion: number,
  writeBody: (writer: Writer) => void,
  correlationId = 1,
): Buffer {
  return encodeRequestFrame(apiKey, apiVersion, correlationId, 'frames-test', writeBody);
}

export interface ExchangeOutcome {
  /** Bytes the broker sent back before closing or before the wait ended. */
  response: Buffer;
  /** The broker closed the connection. */
  closed: boolean;
}

/** Writes raw bytes on a fresh connection and reports what came back within `waitMs`. */
export function exchangeRaw(address: string, bytes: Buffer, waitMs = 300): Promise<ExchangeOutcome> {
  const separator = address.lastIndexOf(':');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let closed = false;
    const socket = net.connect({ host: address.slice(0, separator), port: Number(address.slice(separator + 1)) }, () =>
      socket.write(bytes),
    );
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ response: Buffer.concat(chunks), closed });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      finish();
    });
  });
}
