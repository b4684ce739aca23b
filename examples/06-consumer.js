'use strict';
/* global clearTimeout */
// The plain (group-less) Consumer: reads partition 0 of a topic from an explicit offset, decodes the JSON events
// written by 02, and closes after EXAMPLE_COUNT messages, on SIGTERM, or after EXAMPLE_TIMEOUT_MS.
//
//   KAFKA_HOST=127.0.0.1:9092 EXAMPLE_TOPIC=web-events EXAMPLE_OFFSET=0 node examples/06-consumer.js
const kafka = require('kafka-node');

const topic = process.env.EXAMPLE_TOPIC || 'example-web-events';
const count = Number(process.env.EXAMPLE_COUNT || 2);
const timeoutMs = Number(process.env.EXAMPLE_TIMEOUT_MS || 20000);

const client = new kafka.KafkaClient({ kafkaHost: process.env.KAFKA_HOST || '127.0.0.1:9092' });
const consumer = new kafka.Consumer(client, [{ topic: topic, partition: 0, offset: Number(process.env.EXAMPLE_OFFSET || 0) }], {
  groupId: process.env.EXAMPLE_GROUP || 'example-plain-consumer',
  autoCommit: false,
  fromOffset: true,
  fetchMaxWaitMs: 500,
  fetchMaxBytes: 1024 * 1024,
});

let received = 0;
let closing = false;

function close(reason) {
  if (closing) return;
  closing = true;
  clearTimeout(deadline);
  consumer.removeAllListeners('message');
  console.log('read ' + received + ' message(s), stopping: ' + reason);
  consumer.close(true, function () {
    process.exit(reason === 'timeout' ? 1 : 0);
  });
}

const deadline = setTimeout(function () {
  close('timeout');
}, timeoutMs);

consumer.on('message', function (message) {
  received++;
  const event = JSON.parse(message.value);
  console.log('partition ' + message.partition + ' offset ' + message.offset + ': event ' + event.seq + ' on ' + event.page);
  if (received >= count) close('done');
});

consumer.on('error', function (err) {
  console.log('consumer error: ' + (err.message || err));
});

process.on('SIGTERM', function () {
  close('SIGTERM');
});
