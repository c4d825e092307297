// The suite registry: every suite `pnpm bench` runs, in order. Baselines come first because later suites
// compare against them. To add a suite, write suites/<name>.ts exporting a Suite and list it here.
import type { Suite } from '../lib/suite.ts';
import { baselinesSuite } from './baselines.ts';
import { nodeApiSuite } from './node-api.ts';
import { thousandServicesSuite } from './thousand-services.ts';
import { recoverySuite } from './recovery.ts';
import { eventsSuite } from './events.ts';
import { supervisionSuite } from './supervision.ts';
import { doorsSuite } from './doors.ts';
import { securitySuite } from './security.ts';
import { analysisSuite } from './analysis.ts';
import { sandboxProcessSuite } from './sandbox-process.ts';
import { admissionSuite } from './admission.ts';

export const SUITES: readonly Suite[] = [baselinesSuite, nodeApiSuite, thousandServicesSuite, eventsSuite, recoverySuite, supervisionSuite, doorsSuite, sandboxProcessSuite, admissionSuite, analysisSuite, securitySuite];
