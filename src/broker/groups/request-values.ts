import type { ConnectionState } from '../connection';

/** Kafka reports a member's host as Java's InetAddress prints it: "/127.0.0.1". */
export function clientHostOf(connection: ConnectionState): string {
  const address = connection.remoteAddress;
  const portSeparator = address.lastIndexOf(':');
  const host = portSeparator > 0 ? address.slice(0, portSeparator) : address;
  return `/${host.replace(/^::ffff:/, '')}`;
}

/** The request bytes are a view into the network frame; anything kept beyond the request gets its own copy. */
export function ownedBytes(bytes: Buffer | null): Buffer {
  return bytes === null ? Buffer.alloc(0) : Buffer.from(bytes);
}
