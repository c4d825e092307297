// The manifest of the sandbox escape suite: every hostile service, in the order the suite runs them.
// escape-suite.int.test.ts runs each against a real node; docs/ESCAPE-SUITE.md describes them.
import { CAPABILITY_CASES } from './capabilities.ts';
import { OBFUSCATED_CHAINS, PLAIN_CHAINS } from './constructor-chains.ts';
import { CPU_BOMBS } from './cpu-bombs.ts';
import { CTX_TAMPERING } from './ctx-tampering.ts';
import type { EscapeCase } from './escape-case.ts';
import { FLOODS } from './floods.ts';
import { HOST_LEAKS } from './host-leaks.ts';
import { MEMORY_BOMBS } from './memory-bombs.ts';

/** Every case; names are unique service ids. */
export const ESCAPE_CASES: readonly EscapeCase[] = [
  ...PLAIN_CHAINS,
  ...OBFUSCATED_CHAINS,
  ...CTX_TAMPERING,
  ...HOST_LEAKS,
  ...CAPABILITY_CASES,
  ...CPU_BOMBS,
  ...FLOODS,
  ...MEMORY_BOMBS,
];
