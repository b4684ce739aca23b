/**
 * Under the npm alias (this package installed as node_modules/kafka-node), package `exports` maps every
 * `kafka-node/lib/<module>` the facade does not serve here: loading it throws, so the failure happens at require time
 * rather than later as a missing method. Node does not tell a module which specifier loaded it, so the message names
 * the requiring file; the register hook names the exact module.
 */
import { KafkaNodeModuleNotServedError } from '../errors';
import { notServedMessage } from './modules';

const requiredBy = module.parent?.filename ?? 'an unknown file';
throw new KafkaNodeModuleNotServedError(
  'kafka-node/lib/*',
  `${notServedMessage('lib/<internal module>')} (required from ${requiredBy})`,
);
