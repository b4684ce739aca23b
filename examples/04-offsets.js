'use strict';
// Offset lookups: sends EXAMPLE_COUNT messages to partition 0, then asks for the latest and earliest offsets of the
// topic and for the latest offset of partition 0 with a plain fetch (time -1).
//
//   KAFKA_HOST=127.0.0.1:9092 EXAMPLE_TOPIC=audit node examples/04-offsets.js
const kafka = require('kafka-node');

const topic = process.env.EXAMPLE_TOPIC || 'example-audit';
const count = Number(process.env.EXAMPLE_COUNT || 3);

const client = new kafka.KafkaClient({ kafkaHost: process.env.KAFKA_HOST || '127.0.0.1:9092', requestTimeout: 10000 });
const producer = new kafka.Producer(client);
const offset = new kafka.Offset(client);

function fail(what, err) {
  console.log(what + ' failed: ' + (err.message || err));
  process.exit(1);
}

function lookups() {
  offset.fetchLatestOffsets([topic], function (err, latest) {
    if (err) return fail('fetchLatestOffsets', err);
    console.log('latest: ' + JSON.stringify(latest));
    offset.fetchEarliestOffsets([topic], function (err, earliest) {
      if (err) return fail('fetchEarliestOffsets', err);
      console.log('earliest: ' + JSON.stringify(earliest));
      offset.fetch([{ topic: topic, partition: 0, time: -1, maxNum: 1 }], function (err, fetched) {
        if (err) return fail('fetch', err);
        console.log('fetch partition 0, time -1: ' + JSON.stringify(fetched));
        producer.close(function () {
          process.exit(0);
        });
      });
    });
  });
}

producer.on('ready', function () {
  const messages = [];
  for (let i = 1; i <= count; i++) messages.push('audit entry ' + i);
  producer.send([{ topic: topic, partition: 0, messages: messages }], function (err, result) {
    if (err) return fail('send', err);
    console.log('sent: ' + JSON.stringify(result));
    lookups();
  });
});

producer.on('error', function (err) {
  fail('producer', err);
});

process.on('SIGTERM', function () {
  producer.close(function () {
    process.exit(0);
  });
});
