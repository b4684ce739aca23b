/** kafka-node/lib/errors/FailedToRebalanceConsumerError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.FailedToRebalanceConsumerError;
