/** kafka-node/lib/errors/TopicsNotExistError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.TopicsNotExistError;
