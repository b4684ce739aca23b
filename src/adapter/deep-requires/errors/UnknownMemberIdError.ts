/** kafka-node/lib/errors/UnknownMemberIdError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.UnknownMemberIdError;
