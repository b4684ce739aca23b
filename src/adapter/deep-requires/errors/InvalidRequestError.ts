/** kafka-node/lib/errors/InvalidRequestError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.InvalidRequestError;
