/** kafka-node/lib/errors/NotControllerError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.NotControllerError;
