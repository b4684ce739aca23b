import * as kafkaNode from 'kafka-node';
import type { CreateContender } from '../types';
import { kafkaNodeApiContender } from './kafka-node-api';

/** The real kafka-node. */
export const createContender: CreateContender = (options) => kafkaNodeApiContender(kafkaNode, options);
