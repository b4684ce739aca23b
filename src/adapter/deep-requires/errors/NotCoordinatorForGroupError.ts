/** kafka-node/lib/errors/NotCoordinatorForGroupError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.NotCoordinatorForGroupError;
