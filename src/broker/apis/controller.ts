import { ErrorCode } from '../../protocol/error-codes';
import type { RequestContext } from './types';

/** Topic administration is the controller's job in Kafka: other nodes answer NOT_CONTROLLER so clients re-route. */
export function notControllerError(context: RequestContext): number | null {
  return context.cluster.controllerId() === context.node.id ? null : ErrorCode.NOT_CONTROLLER;
}
