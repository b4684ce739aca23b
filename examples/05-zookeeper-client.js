'use strict';
// The kafka-node 3.x ZooKeeper-based Client: brokers are discovered from ZooKeeper (/brokers/ids) instead of being
// listed. kafka-node 4+ removed this class; the kafka-node-adapter facade brings it back on both backends.
//
//   ZK_CONNECT=127.0.0.1:2181 EXAMPLE_TOPIC=legacy-events node examples/05-zookeeper-client.js
const kafka = require('kafka-node');

const zkConnect = process.env.ZK_CONNECT || '127.0.0.1:2181';
const topic = process.env.EXAMPLE_TOPIC || 'example-legacy-events';
const count = Number(process.env.EXAMPLE_COUNT || 3);

const client = new kafka.Client(zkConnect, 'legacy-example-client');
const producer = new kafka.Producer(client);

let stopping = false;
let inFlight = false;
let sent = 0;

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
    console.log('sent ' + sent + ' message(s) through ZooKeeper discovery');
    return finish(0);
  }
  sent++;
  inFlight = true;
  producer.send([{ topic: topic, partition: 0, messages: ['legacy event ' + sent] }], function (err, result) {
    inFlight = false;
    if (err) {
      console.log('send failed: ' + (err.message || err));
      return finish(1);
    }
    console.log('event ' + sent + ': ' + JSON.stringify(result));
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
