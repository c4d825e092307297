// The escape suite's memory bombs and floods against a node that runs its services in sandbox host processes
// (`solo up --sandbox process`): the backstop outside the isolate. `string-doubling` — a V8 fatal
// out-of-memory that isolated-vm cannot contain in-process (an open hole there) — must end only its tenant's
// host process here, with `service_crashed`, while the node and the bystander tenant go on.
process.env['SOLO_ESCAPE_SANDBOX'] = 'process';
process.env['SOLO_ESCAPE_CASES'] ??= [
  'array-growth',
  'string-doubling',
  'arraybuffer-chain',
  'reply-100mb',
  'resizable-arraybuffer',
  'timer-flood',
  'timer-storm',
  'self-cast-flood',
].join(',');
await import('./escape-suite.int.test.ts');
