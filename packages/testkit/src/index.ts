// @solo/testkit: private, dev-only helpers for tests against real software.
export { startNatsServer, natsServerBin } from './nats/nats-server.ts';
export type { TestNatsServer, StartNatsOptions } from './nats/nats-server.ts';
export { freePort } from './free-port.ts';
export { createTempDir } from './temp-dir.ts';
export type { TempDir } from './temp-dir.ts';
export { uniqueName } from './unique-name.ts';
export { waitFor } from './wait-for.ts';
export type { WaitForOptions } from './wait-for.ts';
export { ManualClock } from './manual-clock.ts';
export { ManualScheduler, type ManualArming } from './manual-scheduler.ts';
export type { Clock } from './manual-clock.ts';
