'use strict';
// Requires of kafka-node internals: each error's name, and whether its message names the module and the alternative.
function attempt(specifier, alternative) {
  try {
    require(specifier);
    return 'loaded';
  } catch (error) {
    const named = `kafka-node-adapter does not serve '${specifier}'`;
    return [error.name, error.message.includes(named) ? named : error.message, error.message.includes(alternative) ? alternative : error.message];
  }
}
console.log(JSON.stringify({
  zookeeper: attempt('kafka-node/lib/zookeeper', 'KafkaClient({ kafkaHost })'),
  protocol: attempt('kafka-node/lib/protocol/protocol', 'no kafka-node wire layer'),
}));
