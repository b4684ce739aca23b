/** kafka-node/lib/errors/InvalidConsumerOffsetError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.InvalidConsumerOffsetError;
