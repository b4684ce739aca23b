'use strict';
// A Producer that sends KeyedMessages with gzip compression (attributes: 1), one payload per message so that the
// keyed partitioner (partitionerType 3) picks the partition from the payload's key.
//
//   KAFKA_HOST=127.0.0.1:9092 EXAMPLE_TOPIC=orders EXAMPLE_COUNT=6 node examples/01-keyed-producer.js
const kafka = require('kafka-node');

const kafkaHost = process.env.KAFKA_HOST || '127.0.0.1:9092';
const topic = process.env.EXAMPLE_TOPIC || 'example-orders';
const count = Number(process.env.EXAMPLE_COUNT || 6);
const customers = ['alice', 'bob', 'carol'];

const client = new kafka.KafkaClient({ kafkaHost: kafkaHost, requestTimeout: 10000 });
const producer = new kafka.Producer(client, { requireAcks: 1, partitionerType: 3 });

let sent = 0;
let stopping = false;
let inFlight = false;

let finished = false;

function finish(code) {
  if (finished) return;
  finished = true;
  producer.close(function () {
    console.log('producer closed');
    process.exit(code);
  });
}

function sendNext() {
  if (stopping || sent >= count) {
    console.log('sent ' + sent + ' message(s)');
    return finish(0);
  }
  const key = customers[sent % customers.length];
  const order = { id: sent + 1, customer: key, amount: (sent + 1) * 10 };
  const payload = {
    topic: topic,
    key: key,
    messages: new kafka.KeyedMessage(key, JSON.stringify(order)),
    attributes: 1,
  };
  inFlight = true;
  producer.send([payload], function (err, result) {
    inFlight = false;
    if (err) {
      console.log('send failed: ' + (err.message || err));
      return finish(1);
    }
    const partitions = result[topic];
    const partition = Object.keys(partitions)[0];
    console.log('order ' + order.id + ' key=' + key + ' -> partition ' + partition + ' offset ' + partitions[partition]);
    sent++;
    sendNext();
  });
}

producer.on('ready', function () {
  console.log('producer ready');
  sendNext();
});

producer.on('error', function (err) {
  console.log('producer error: ' + (err.message || err));
  process.exit(1);
});

// The send in flight completes first: the next one is simply not started.
process.on('SIGTERM', function () {
  stopping = true;
  if (!inFlight) finish(0);
});
