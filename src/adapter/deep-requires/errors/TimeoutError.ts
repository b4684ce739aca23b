/** kafka-node/lib/errors/TimeoutError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.TimeoutError;
