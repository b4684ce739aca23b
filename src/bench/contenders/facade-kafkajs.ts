import type { CreateContender } from '../types';
import { facadeContender } from './facade';

/** kafka-node's API through the facade, on the kafkajs backend. */
export const createContender: CreateContender = (options) => facadeContender('kafkajs', options);
