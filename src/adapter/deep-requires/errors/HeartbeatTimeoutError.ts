/** kafka-node/lib/errors/HeartbeatTimeoutError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.HeartbeatTimeoutError;
