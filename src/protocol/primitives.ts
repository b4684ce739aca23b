/**
 * Kafka wire primitives: fixed-width integers, zig-zag varints, strings, bytes and arrays.
 * Every API module and every record format reads and writes through these two classes.
 */

export class ProtocolDecodeError extends Error {
  override readonly name = 'ProtocolDecodeError';
  constructor(message: string) {
    super(message);
  }
}

const INITIAL_CAPACITY = 256;

/** Below this size a referenced buffer is copied: one more gather entry costs more than copying a few bytes. */
const MIN_REFERENCED_BYTES = 2048;

export class Writer {
  private buffer: Buffer;
  private position = 0;
  /** Start of the bytes in `buffer` not yet handed to `parts` (0 unless `reference` was used). */
  private regionStart = 0;
  /** Finished pieces, in order, when `reference` was used: views of own bytes and referenced buffers. */
  private parts: Buffer[] = [];
  private partsBytes = 0;

  constructor(initialCapacity = INITIAL_CAPACITY) {
    this.buffer = Buffer.allocUnsafe(initialCapacity);
  }

  /** Bytes written so far, referenced ones included; also the offset the next write lands at. */
  get length(): number {
    return this.partsBytes + this.position - this.regionStart;
  }

  private ensure(extra: number): void {
    const needed = this.position + extra;
    if (needed <= this.buffer.length) return;
    const used = this.position - this.regionStart;
    let capacity = this.buffer.length * 2;
    while (capacity < used + extra) capacity *= 2;
    const next = Buffer.allocUnsafe(capacity);
    // Bytes before regionStart already belong to `parts` (views of the old buffer), so only the open region moves.
    this.buffer.copy(next, 0, this.regionStart, this.position);
    this.buffer = next;
    this.position = used;
    this.regionStart = 0;
  }

  int8(value: number): this {
    this.ensure(1);
    this.buffer.writeInt8(value, this.position);
    this.position += 1;
    return this;
  }

  boolean(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  int16(value: number): this {
    this.ensure(2);
    this.buffer.writeInt16BE(value, this.position);
    this.position += 2;
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.buffer.writeInt32BE(value, this.position);
    this.position += 4;
    return this;
  }

  uint32(value: number): this {
    this.ensure(4);
    this.buffer.writeUInt32BE(value >>> 0, this.position);
    this.position += 4;
    return this;
  }

  int64(value: bigint | number): this {
    this.ensure(8);
    this.buffer.writeBigInt64BE(typeof value === 'bigint' ? value : BigInt(value), this.position);
    this.position += 8;
    return this;
  }

  /** Zig-zag encoded signed 32-bit varint (record fields). */
  varint(value: number): this {
    let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
    this.ensure(5);
    while (zigzag > 0x7f) {
      this.buffer[this.position++] = (zigzag & 0x7f) | 0x80;
      zigzag >>>= 7;
    }
    this.buffer[this.position++] = zigzag;
    return this;
  }

  /** Zig-zag encoded signed 64-bit varint (timestamp and offset deltas may exceed 32 bits). */
  varlong(value: bigint | number): this {
    const big = typeof value === 'bigint' ? value : BigInt(value);
    let zigzag = BigInt.asUintN(64, (big << 1n) ^ (big >> 63n));
    this.ensure(10);
    while (zigzag > 0x7fn) {
      this.buffer[this.position++] = Number(zigzag & 0x7fn) | 0x80;
      zigzag >>= 7n;
    }
    this.buffer[this.position++] = Number(zigzag);
    return this;
  }

  /** Unsigned varint (used by compact types; kept for completeness of the codec layer). */
  unsignedVarint(value: number): this {
    let rest = value >>> 0;
    this.ensure(5);
    while (rest > 0x7f) {
      this.buffer[this.position++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.buffer[this.position++] = rest;
    return this;
  }

  /** INT16-length string; null encodes as length -1. */
  string(value: string | null): this {
    if (value === null) return this.int16(-1);
    const length = Buffer.byteLength(value, 'utf8');
    this.int16(length);
    this.ensure(length);
    this.buffer.write(value, this.position, length, 'utf8');
    this.position += length;
    return this;
  }

  /** INT32-length bytes; null encodes as length -1. */
  bytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    this.int32(value.length);
    return this.raw(value);
  }

  /** Varint-length bytes as used inside record batches; null encodes as -1. */
  varintBytes(value: Buffer | null): this {
    if (value === null) return this.varint(-1);
    this.varint(value.length);
    return this.raw(value);
  }

  raw(value: Buffer): this {
    this.ensure(value.length);
    value.copy(this.buffer, this.position);
    this.position += value.length;
    return this;
  }

  /**
   * Appends `value` without copying it (large buffers only): the output then comes out of `toBuffers()` as pieces for
   * a gather write. `value` must not change until those pieces have been written.
   */
  reference(value: Buffer): this {
    if (value.length < MIN_REFERENCED_BYTES) return this.raw(value);
    if (this.position > this.regionStart) this.parts.push(this.buffer.subarray(this.regionStart, this.position));
    this.parts.push(value);
    this.partsBytes += this.position - this.regionStart + value.length;
    this.regionStart = this.position;
    return this;
  }

  /** INT32-count array; null encodes as -1. */
  array<T>(items: readonly T[] | null, writeItem: (writer: this, item: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  /** Reserves an INT32 slot to be filled later (sizes and CRCs known only after the body is written). */
  reserveInt32(): number {
    const at = this.length;
    this.int32(0);
    return at;
  }

  patchInt32(at: number, value: number): void {
    const { target, index } = this.locate(at);
    target.writeInt32BE(value, index);
  }

  patchUInt32(at: number, value: number): void {
    const { target, index } = this.locate(at);
    target.writeUInt32BE(value >>> 0, index);
  }

  /** Where output offset `at` lives. A reserved slot is written in one piece, so it never straddles two parts. */
  private locate(at: number): { target: Buffer; index: number } {
    if (at >= this.partsBytes) return { target: this.buffer, index: this.regionStart + at - this.partsBytes };
    let start = 0;
    for (const part of this.parts) {
      if (at < start + part.length) return { target: part, index: at - start };
      start += part.length;
    }
    throw new RangeError(`offset ${at} is outside the ${this.length} bytes written`);
  }

  /** A view of bytes written so far between two positions (no copy; not across referenced buffers). */
  slice(start: number, end = this.length): Buffer {
    if (start < this.partsBytes) throw new RangeError('slice() cannot span referenced buffers');
    return this.buffer.subarray(this.regionStart + start - this.partsBytes, this.regionStart + end - this.partsBytes);
  }

  /** The bytes written so far. The view stays valid: the writer must not be reused afterwards. */
  toBuffer(): Buffer {
    if (this.parts.length === 0) return this.buffer.subarray(0, this.position);
    return Buffer.concat(this.toBuffers(), this.length);
  }

  /** The bytes written so far as pieces in order, referenced buffers not copied (for a gather write). */
  toBuffers(): Buffer[] {
    const own = this.buffer.subarray(this.regionStart, this.position);
    return own.length > 0 ? [...this.parts, own] : this.parts.length > 0 ? [...this.parts] : [own];
  }
}

export class Reader {
  private position: number;

  constructor(
    readonly buffer: Buffer,
    start = 0,
    private readonly end = buffer.length,
  ) {
    this.position = start;
  }

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  private need(size: number, what: string): void {
    if (this.position + size > this.end) {
      throw new ProtocolDecodeError(
        `truncated input: ${what} needs ${size} bytes at offset ${this.position}, only ${this.end - this.position} left`,
      );
    }
  }

  int8(): number {
    this.need(1, 'int8');
    const value = this.buffer.readInt8(this.position);
    this.position += 1;
    return value;
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2, 'int16');
    const value = this.buffer.readInt16BE(this.position);
    this.position += 2;
    return value;
  }

  int32(): number {
    this.need(4, 'int32');
    const value = this.buffer.readInt32BE(this.position);
    this.position += 4;
    return value;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const value = this.buffer.readUInt32BE(this.position);
    this.position += 4;
    return value;
  }

  int64(): bigint {
    this.need(8, 'int64');
    const value = this.buffer.readBigInt64BE(this.position);
    this.position += 8;
    return value;
  }

  /** int64 as a JS number; offsets and timestamps stay well inside 2^53. */
  int64Number(): number {
    return Number(this.int64());
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      this.need(1, 'varint');
      const byte = this.buffer[this.position++]!;
      if (shift === 28 && byte > 0x0f) throw new ProtocolDecodeError('varint longer than 5 bytes');
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
    }
    return (result >>> 1) ^ -(result & 1);
  }

  varlong(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      this.need(1, 'varlong');
      const byte = this.buffer[this.position++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7n;
      if (shift > 63n) throw new ProtocolDecodeError('varlong longer than 10 bytes');
    }
    return (result >> 1n) ^ -(result & 1n);
  }

  unsignedVarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      this.need(1, 'unsigned varint');
      const byte = this.buffer[this.position++]!;
      if (shift === 28 && byte > 0x0f) throw new ProtocolDecodeError('unsigned varint longer than 5 bytes');
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
    }
    return result >>> 0;
  }

  string(): string {
    const value = this.nullableString();
    if (value === null) throw new ProtocolDecodeError(`unexpected null string at offset ${this.position - 2}`);
    return value;
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length < 0) {
      if (length !== -1) throw new ProtocolDecodeError(`invalid string length ${length}`);
      return null;
    }
    this.need(length, 'string');
    const value = this.buffer.toString('utf8', this.position, this.position + length);
    this.position += length;
    return value;
  }

  /** INT32-length bytes as a view into the input (no copy). */
  bytes(): Buffer | null {
    const length = this.int32();
    if (length < 0) {
      if (length !== -1) throw new ProtocolDecodeError(`invalid bytes length ${length}`);
      return null;
    }
    return this.raw(length);
  }

  varintBytes(): Buffer | null {
    const length = this.varint();
    if (length < 0) {
      if (length !== -1) throw new ProtocolDecodeError(`invalid varint bytes length ${length}`);
      return null;
    }
    return this.raw(length);
  }

  raw(length: number): Buffer {
    this.need(length, 'raw bytes');
    const view = this.buffer.subarray(this.position, this.position + length);
    this.position += length;
    return view;
  }

  skip(length: number): void {
    this.need(length, 'skip');
    this.position += length;
  }

  /** INT32-count array; a negative count other than -1 or a count larger than the bytes left is rejected. */
  array<T>(readItem: (reader: Reader) => T, minItemSize = 1): T[] {
    const items = this.nullableArray(readItem, minItemSize);
    return items ?? [];
  }

  nullableArray<T>(readItem: (reader: Reader) => T, minItemSize = 1): T[] | null {
    const count = this.int32();
    if (count < 0) {
      if (count !== -1) throw new ProtocolDecodeError(`invalid array length ${count}`);
      return null;
    }
    if (count * minItemSize > this.remaining) {
      throw new ProtocolDecodeError(`array of ${count} items cannot fit in ${this.remaining} remaining bytes`);
    }
    const items: T[] = new Array(count);
    for (let i = 0; i < count; i++) items[i] = readItem(this);
    return items;
  }
}
