'use strict';
// 没有 error 监听器的 KafkaClient / ConsumerGroup / Consumer：连接失败或 topic 不存在时 kafka-node 的 EventEmitter 直接抛出 'error'
// （进程的 uncaughtException），而不是一个未处理的 Promise 拒绝。
const kafka = require('kafka-node');

const which = process.env.UNHANDLED_CASE;
const report = (how) => (error) => {
  console.log(JSON.stringify({ how, name: error && error.name, message: error && error.message }));
  process.exit(0);
};
process.on('uncaughtException', report('uncaughtException'));
process.on('unhandledRejection', report('unhandledRejection'));

const kafkaHost = process.env.KAFKA_HOST;
if (which === 'client') {
  new kafka.KafkaClient({ kafkaHost, connectTimeout: 1000, connectRetryOptions: { retries: 0 } });
} else if (which === 'group') {
  new kafka.ConsumerGroup(
    { kafkaHost, groupId: 'unhandled', connectTimeout: 1000, connectRetryOptions: { retries: 0 } },
    ['unhandled-topic'],
  );
} else {
  // 一个不存在的 topic：kafka-node 的 Consumer 异步地发出 TopicsNotExistError。
  const client = new kafka.KafkaClient({ kafkaHost });
  new kafka.Consumer(client, [{ topic: 'no-such-topic', partition: 0 }], { autoCommit: false });
}
setTimeout(() => {
  console.log(JSON.stringify({ how: 'nothing within 20 s' }));
  process.exit(0);
}, 20000);
