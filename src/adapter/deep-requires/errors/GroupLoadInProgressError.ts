/** kafka-node/lib/errors/GroupLoadInProgressError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.GroupLoadInProgressError;
