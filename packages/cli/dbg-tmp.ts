import { startCli } from './test/run-cli.ts';
import { createTempDir } from '@solo/testkit';
const dir = createTempDir('x-');
const node = startCli(['up', '--data-dir', dir.path, '--http-port', '0', '--log-level', 'debug'], { env: { SOLO_LOG_LEVEL: 'error' }, timeoutMs: 20000 });
const r = await node.exited;
console.log(r);
