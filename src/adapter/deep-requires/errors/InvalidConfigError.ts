/** kafka-node/lib/errors/InvalidConfigError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.InvalidConfigError;
