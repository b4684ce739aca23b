/** kafka-node/lib/errors/IllegalGenerationError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.IllegalGenerationError;
