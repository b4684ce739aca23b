/** kafka-node/lib/errors/FailedToRegisterConsumerError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.FailedToRegisterConsumerError;
