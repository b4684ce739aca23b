/** kafka-node/lib/errors/ApiNotSupportedError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.ApiNotSupportedError;
