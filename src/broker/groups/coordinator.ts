import type { Cluster } from '../cluster';

/**
 * PLACEHOLDER owned by the group-coordinator work: consumer groups (join/sync/heartbeat/leave) and committed offsets.
 * The cluster only relies on the constructor, `nodesChanged` and `close`.
 */
export class GroupCoordinator {
  constructor(readonly cluster: Cluster) {}

  /** Called when a node stops or starts: groups whose coordinator moved must answer NOT_COORDINATOR. */
  nodesChanged(): void {}

  close(): void {}
}
