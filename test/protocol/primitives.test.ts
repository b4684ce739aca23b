import { expect } from 'chai';
import { Reader, Writer, ProtocolDecodeError } from '../../src/protocol/primitives';

describe('protocol/primitives', () => {
  it('round-trips fixed-width integers, strings and bytes', () => {
    const writer = new Writer(4);
    writer
      .int8(-5)
      .int16(-300)
      .int32(0x7fffffff)
      .int64(-(2n ** 62n))
      .string('héllo')
      .string(null)
      .bytes(Buffer.from([1, 2]))
      .bytes(null);
    const reader = new Reader(writer.toBuffer());
    expect(reader.int8()).to.equal(-5);
    expect(reader.int16()).to.equal(-300);
    expect(reader.int32()).to.equal(0x7fffffff);
    expect(reader.int64()).to.equal(-(2n ** 62n));
    expect(reader.string()).to.equal('héllo');
    expect(reader.nullableString()).to.equal(null);
    expect([...reader.bytes()!]).to.deep.equal([1, 2]);
    expect(reader.bytes()).to.equal(null);
    expect(reader.remaining).to.equal(0);
  });

  it('encodes zig-zag varints as Kafka does (known vectors)', () => {
    const vectors: [number, number[]][] = [
      [0, [0x00]],
      [-1, [0x01]],
      [1, [0x02]],
      [63, [0x7e]],
      [-64, [0x7f]],
      [64, [0x80, 0x01]],
      [2147483647, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
      [-2147483648, [0xff, 0xff, 0xff, 0xff, 0x0f]],
    ];
    for (const [value, bytes] of vectors) {
      const encoded = new Writer().varint(value).toBuffer();
      expect([...encoded], `varint ${value}`).to.deep.equal(bytes);
      expect(new Reader(encoded).varint()).to.equal(value);
    }
  });

  it('round-trips varlongs beyond 32 bits', () => {
    for (const value of [0n, -1n, 2n ** 40n, -(2n ** 50n), 2n ** 63n - 1n, -(2n ** 63n)]) {
      const encoded = new Writer().varlong(value).toBuffer();
      expect(new Reader(encoded).varlong()).to.equal(value);
    }
  });

  it('rejects truncated input, bad lengths and arrays that cannot fit', () => {
    expect(() => new Reader(Buffer.from([0, 0, 0])).int32()).to.throw(ProtocolDecodeError, /truncated/);
    expect(() => new Reader(Buffer.from([0xff, 0xfe])).nullableString()).to.throw(
      ProtocolDecodeError,
      /invalid string length/,
    );
    expect(() => new Reader(Buffer.from([0, 5, 0x61])).string()).to.throw(ProtocolDecodeError, /truncated/);
    expect(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff])).array((r) => r.int32(), 4)).to.throw(
      ProtocolDecodeError,
      /cannot fit/,
    );
    expect(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])).varint()).to.throw(ProtocolDecodeError);
  });

  it('patches reserved size slots', () => {
    const writer = new Writer();
    const at = writer.reserveInt32();
    writer.string('abc');
    writer.patchInt32(at, writer.length - 4);
    const reader = new Reader(writer.toBuffer());
    expect(reader.int32()).to.equal(5);
    expect(reader.string()).to.equal('abc');
  });
  it('references large buffers without copying and patches reserved slots on either side of them', () => {
    const large = Buffer.alloc(5000, 7);
    const small = Buffer.from([1, 2, 3]);
    const writer = new Writer(8);
    const sizeAt = writer.reserveInt32();
    writer.int16(42).reference(large).reference(small);
    const tailAt = writer.reserveInt32();
    writer.string('end').reference(large);
    writer.patchInt32(sizeAt, writer.length - 4);
    writer.patchInt32(tailAt, -9);

    const pieces = writer.toBuffers();
    expect(pieces.filter((piece) => piece === large)).to.have.length(2);
    const joined = writer.toBuffer();
    expect(joined.length)
      .to.equal(writer.length)
      .and.to.equal(4 + 2 + 5000 + 3 + 4 + 2 + 3 + 5000);
    expect(Buffer.concat(pieces).equals(joined)).to.equal(true);

    const expected = new Writer();
    expected
      .int32(joined.length - 4)
      .int16(42)
      .raw(large)
      .raw(small)
      .int32(-9)
      .string('end')
      .raw(large);
    expect(joined.equals(expected.toBuffer())).to.equal(true);
    expect(() => writer.slice(0, 4)).to.throw(RangeError);
  });

  it('gives a single piece when nothing was referenced', () => {
    const writer = new Writer(4).int32(1).raw(Buffer.alloc(100));
    expect(writer.toBuffers()).to.have.length(1);
    expect(writer.toBuffers()[0]!.equals(writer.toBuffer())).to.equal(true);
    const afterReference = new Writer(4).reference(Buffer.alloc(3000)).int16(3);
    expect([...afterReference.slice(3000)]).to.deep.equal([0, 3]);
  });
});
