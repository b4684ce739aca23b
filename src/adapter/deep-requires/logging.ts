/** What `kafka-node/logging` gives: kafka-node's documented way to plug a logger in. */
export { setLoggerProvider } from '../logging';
