/** kafka-node/lib/errors/RebalanceInProgressError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.RebalanceInProgressError;
