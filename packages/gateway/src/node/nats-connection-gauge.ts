// Keeps `solo_nats_connected` true to the node's NATS connection: 0 on a disconnect, 1 again on a
// reconnect, 0 for good once the connection is closed.
import type { NatsConnection } from 'nats';
import type { NodeMetrics } from '@solo/kernel';

/** Follows the status of `nc` into `metrics` until the connection closes. */
export function watchNatsConnection(nc: NatsConnection, metrics: NodeMetrics): void {
  metrics.setNatsConnected(!nc.isClosed());
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') metrics.setNatsConnected(false);
      else if (s.type === 'reconnect') metrics.setNatsConnected(true);
    }
  })().finally(() => metrics.setNatsConnected(false));
}
