// Entry of the node process the escape suite deploys its hostile services to: a real node (embedded nats-server,
// LMDB) in a process of its own, so a service that kills its node ends this process and not the test runner.
// Usage: node --no-node-snapshot --import tsx node-main.ts <data dir> <isolate|process>
// Prints one line `ESCAPE_NODE_READY <NodeInfo JSON>` once it serves; stops gracefully on SIGTERM.
import { SANDBOX_KINDS, startNode, type SandboxKind } from '@solo/gateway';

const [dataDir, sandbox] = process.argv.slice(2);
if (dataDir === undefined || !(SANDBOX_KINDS as readonly string[]).includes(sandbox ?? '')) {
  process.stderr.write('usage: node-main.ts <data dir> <isolate|process>\n');
  process.exit(2);
}
const node = await startNode({ dataDir, sandbox: sandbox as SandboxKind });
process.stdout.write(`ESCAPE_NODE_READY ${JSON.stringify(node.info)}\n`);
process.once('SIGTERM', () => {
  void node.stop().finally(() => process.exit(0));
});
