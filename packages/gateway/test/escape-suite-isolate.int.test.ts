// The escape suite's memory bombs and floods against a node that runs its services in its own process
// (`solo up --sandbox isolate`, the opt-in mode for trusted code): what the isolate alone contains, without the
// sandbox host processes of the default. `string-doubling` — a V8 fatal out-of-memory that isolated-vm cannot
// contain in-process — is the open hole of this mode (reported as TODO): it aborts the whole node here, while in
// the default mode (escape-suite.int.test.ts) it ends only its tenant's host process.
process.env['SOLO_ESCAPE_SANDBOX'] = 'isolate';
process.env['SOLO_ESCAPE_CASES'] ??= [
  'array-growth',
  'string-doubling',
  'arraybuffer-chain',
  'reply-100mb',
  'resizable-arraybuffer',
  'timer-flood',
  'timer-storm',
  'self-cast-flood',
  'cast-fork-bomb',
  'log-rate-flood',
  'emit-flood',
  'emit-oversize',
  'growable-sharedarraybuffer',
  'wasm-memory',
].join(',');
await import('./escape-suite.int.test.ts');
