/** The parts of lz4js 0.2 this project uses: raw LZ4 blocks (the frame around them is written by compression.ts). */
declare module 'lz4js' {
  /** Worst-case compressed size of `length` input bytes. */
  export function compressBound(length: number): number;
  /**
   * Compresses src[start, start + length) into dst as one LZ4 block; returns the compressed size, or 0 when the block
   * does not compress. Matches are looked up in `hashTable` (65536 entries), which the caller clears between blocks.
   */
  export function compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    start: number,
    length: number,
    hashTable: Uint32Array,
  ): number;
  /** Decompresses src[start, start + length) into dst from dstStart; returns the end position in dst. */
  export function decompressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    start: number,
    length: number,
    dstStart: number,
  ): number;
  /** A whole LZ4 frame in and out (4 MiB blocks). */
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
}

declare module 'lz4js/xxh32' {
  /** xxHash32 of src[start, start + length). */
  export function hash(seed: number, src: Uint8Array, start: number, length: number): number;
}
