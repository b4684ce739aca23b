/** kafka-node/lib/errors/GroupCoordinatorNotAvailableError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.GroupCoordinatorNotAvailableError;
