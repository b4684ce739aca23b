'use strict';
/* global clearTimeout */
// A ConsumerGroup member reading from the earliest offset with the roundrobin protocol. Partitions are read
// concurrently, so the messages are printed once consumption is done, ordered by partition and offset.
// It commits and leaves the group after EXAMPLE_COUNT messages, on SIGTERM, or after EXAMPLE_TIMEOUT_MS.
//
//   KAFKA_HOST=127.0.0.1:9092 EXAMPLE_TOPIC=orders EXAMPLE_GROUP=billing EXAMPLE_COUNT=6 node examples/03-consumer-group.js
const kafka = require('kafka-node');

const topic = process.env.EXAMPLE_TOPIC || 'example-orders';
const count = Number(process.env.EXAMPLE_COUNT || 6);
const timeoutMs = Number(process.env.EXAMPLE_TIMEOUT_MS || 20000);

const consumer = new kafka.ConsumerGroup(
  {
    kafkaHost: process.env.KAFKA_HOST || '127.0.0.1:9092',
    groupId: process.env.EXAMPLE_GROUP || 'example-billing',
    sessionTimeout: 10000,
    protocol: ['roundrobin'],
    fromOffset: 'earliest',
    autoCommit: true,
    autoCommitIntervalMs: 500,
  },
  [topic],
);

const received = [];
let closing = false;

function close(reason) {
  if (closing) return;
  closing = true;
  consumer.removeAllListeners('message');
  clearTimeout(deadline);
  received.sort(function (a, b) {
    return a.partition - b.partition || a.offset - b.offset;
  });
  received.forEach(function (m) {
    console.log(m.topic + '/' + m.partition + '@' + m.offset + ' key=' + m.key + ' value=' + m.value);
  });
  console.log('consumed ' + received.length + ' message(s), stopping: ' + reason);
  // close(true): commit what was consumed, then leave the group.
  consumer.close(true, function (err) {
    console.log(err ? 'close failed: ' + err.message : 'left the group');
    process.exit(err || reason === 'timeout' ? 1 : 0);
  });
}

const deadline = setTimeout(function () {
  close('timeout');
}, timeoutMs);

// kafka-node emits 'rebalanced' after every join; the first one means this member holds its partitions.
consumer.once('rebalanced', function () {
  console.log('joined group');
});

consumer.on('message', function (message) {
  received.push(message);
  // kafka-node records the consumed offsets after the last message of a fetch is emitted: closing (and committing)
  // from inside the handler would commit the offsets from before this fetch.
  if (received.length >= count) setImmediate(close, 'done');
});

consumer.on('error', function (err) {
  console.log('consumer error: ' + (err.message || err));
});

process.on('SIGTERM', function () {
  close('SIGTERM');
});
