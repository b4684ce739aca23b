/** kafka-node/lib/errors/BrokerNotAvailableError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.BrokerNotAvailableError;
