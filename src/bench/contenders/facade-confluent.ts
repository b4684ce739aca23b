import * as facade from '../../adapter';
import type { CreateContender } from '../types';
import { kafkaNodeApiContender } from './kafka-node-api';

/** kafka-node's API through the facade, on the confluent backend. */
export const createContender: CreateContender = (options) =>
  kafkaNodeApiContender(facade, options, { backend: 'confluent' });
