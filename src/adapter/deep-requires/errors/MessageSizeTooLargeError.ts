/** kafka-node/lib/errors/MessageSizeTooLargeError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.MessageSizeTooLargeError;
