/** What `kafka-node/lib/logging` gives: the getLogger function, with setLoggerProvider on it. */
import { getLogger, setLoggerProvider } from '../logging';

export = Object.assign((name: string) => getLogger(name), { setLoggerProvider });
