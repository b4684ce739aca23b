import { Writer } from './primitives';

/** One client request as sent on the wire: size prefix, request header v1 (key, version, correlation id, client id), body. */
export function encodeRequestFrame(
  apiKey: number,
  version: number,
  correlationId: number,
  clientId: string,
  writeBody: (writer: Writer) => void = () => undefined,
): Buffer {
  const writer = new Writer(64);
  const sizeAt = writer.reserveInt32();
  writer.int16(apiKey).int16(version).int32(correlationId).string(clientId);
  writeBody(writer);
  writer.patchInt32(sizeAt, writer.length - 4);
  return Buffer.from(writer.toBuffer());
}
