// Entry point of a sandbox host process, started by ProcessSandbox with child_process.fork. It is the composition
// root of its own process, hence the process.on/exit calls: it exits as soon as the kernel's process is gone.
import { HOST_CALL_FD, type HostRequest, type SandboxHostConfig } from './sandbox-wire.ts';
import { SandboxHost } from './sandbox-host.ts';

const send = process.send?.bind(process);
if (send === undefined) {
  process.stderr.write('sandbox-host-main.ts runs only as a child of ProcessSandbox (it needs an IPC channel).\n');
  process.exit(2);
}
// The kernel's process closed the channel or died (setpriv's parent-death signal covers a kill -9 as well).
process.on('disconnect', () => process.exit(0));

const config = JSON.parse(process.argv[2] ?? '{}') as SandboxHostConfig;
const host = new SandboxHost({
  isolate: {
    ...config.isolate,
    // V8 lost control of an isolate: this process is in an unknown state, so it ends and its actors crash.
    onCatastrophicError: (message) => {
      process.stderr.write(`sandbox host ${process.pid}: catastrophic isolate error: ${message}\n`);
      process.exit(70);
    },
  },
  hostCallFd: HOST_CALL_FD,
  send: (message) => void send(message),
  logUnexpected: (err) => void process.stderr.write(`sandbox host ${process.pid}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`),
});
process.on('message', (message) => host.receive(message as HostRequest));
if (config.heapReportMs > 0) setInterval(() => host.reportHeap(), config.heapReportMs).unref();
send({ t: 'ready' });
