import type { CreateContender } from '../types';
import { commonInterfaceContender } from './common-interface';

/** The common interface (createKafka) on the confluent backend (@confluentinc/kafka-javascript). */
export const createContender: CreateContender = (options) => commonInterfaceContender('confluent', options);
