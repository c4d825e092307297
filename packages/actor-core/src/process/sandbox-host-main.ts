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
// No onCatastrophicError: isolated-vm schedules it on this thread, which is the thread it then suspends (a handler
// runs synchronously here, so the fatal out-of-memory or the failed termination happens on it): the process would
// hang until the kernel's hang watchdog. Without it isolated-vm aborts the process on a fatal out-of-memory, so
// the kernel learns of the death at once (the launch command turns core dumps off, which would slow the abort).
const host = new SandboxHost({
  isolate: config.isolate,
  hostCallFd: HOST_CALL_FD,
  prlimit: config.prlimit,
  // Every line prefixed: the kernel reads this process's stderr for V8's fatal out-of-memory banner, which an
  // error text (partly the service's own) must not be able to fake.
  logUnexpected: (err) => {
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(
      `sandbox host ${process.pid}: unexpected error: ${text.replace(/\n/g, `\nsandbox host ${process.pid}:   `)}\n`,
    );
  },
});
process.on('message', (message) => host.receive(message as HostRequest));
if (config.heapReportMs > 0) setInterval(() => host.reportHeap(), config.heapReportMs).unref();
send({ t: 'ready' });
