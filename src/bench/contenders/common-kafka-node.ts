import type { CreateContender } from '../types';
import { commonInterfaceContender } from './common-interface';

/** The common interface (createKafka) on the kafka-node backend. */
export const createContender: CreateContender = (options) => commonInterfaceContender('kafka-node', options);
