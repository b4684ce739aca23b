'use strict';
/* global setInterval, clearInterval */
// A HighLevelProducer that sends a gzip-compressed JSON event on an interval (its cyclic partitioner spreads them
// over the partitions), then stops after EXAMPLE_COUNT events.
//
//   KAFKA_HOST=127.0.0.1:9092 EXAMPLE_TOPIC=web-events node examples/02-high-level-producer.js
const kafka = require('kafka-node');

const kafkaHost = process.env.KAFKA_HOST || '127.0.0.1:9092';
const topic = process.env.EXAMPLE_TOPIC || 'example-web-events';
const count = Number(process.env.EXAMPLE_COUNT || 5);
const intervalMs = Number(process.env.EXAMPLE_INTERVAL_MS || 100);

const client = new kafka.KafkaClient({ kafkaHost: kafkaHost, requestTimeout: 10000 });
const producer = new kafka.HighLevelProducer(client, { requireAcks: 1 });

let started = 0;
let acknowledged = 0;
let inFlight = false;
let stopping = false;
let timer = null;

function stopWhenIdle() {
  if (inFlight) return;
  clearInterval(timer);
  producer.close(function () {
    console.log('sent ' + acknowledged + ' event(s), producer closed');
    process.exit(0);
  });
}

function tick() {
  // One send at a time keeps the printed order the order of the acknowledgements.
  if (inFlight) return;
  if (stopping || started >= count) return stopWhenIdle();
  started++;
  inFlight = true;
  const event = { seq: started, page: '/page/' + (started % 3), msg: 'this is event ' + started };
  producer.send([{ topic: topic, messages: Buffer.from(JSON.stringify(event)), attributes: 1 }], function (err, data) {
    inFlight = false;
    if (err) {
      console.log('err: ' + (err.message || err));
      process.exit(1);
    }
    acknowledged++;
    console.log('event ' + event.seq + ' data: ' + JSON.stringify(data));
    if (stopping || started >= count) stopWhenIdle();
  });
}

producer.on('ready', function () {
  console.log('producer ready');
  timer = setInterval(tick, intervalMs);
});

producer.on('error', function (err) {
  console.log('producer error: ' + (err.message || err));
  process.exit(1);
});

process.on('SIGTERM', function () {
  stopping = true;
  stopWhenIdle();
});
