/** kafka-node/lib/errors/SaslAuthenticationError: the facade's class. */
import { ERROR_FILES } from '../error-files';

export = ERROR_FILES.SaslAuthenticationError;
