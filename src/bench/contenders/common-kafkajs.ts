import type { CreateContender } from '../types';
import { commonInterfaceContender } from './common-interface';

/** The common interface (createKafka) on the kafkajs backend. */
export const createContender: CreateContender = (options) => commonInterfaceContender('kafkajs', options);
