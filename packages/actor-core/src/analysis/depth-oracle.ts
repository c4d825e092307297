// The depth oracle: when the nesting guard cannot clear a source, Babel (pure JavaScript, so a stack overflow
// is a catchable RangeError, not a crash) parses it and the real depth of its tree decides whether oxc may
// parse it. Slower than the guard but exact; only unusual sources get here.
import { parse } from '@babel/parser';

/**
 * Deepest Babel tree handed on to oxc. Babel makes one node per level of the constructs that cost oxc the
 * most stack (parentheses, template substitutions, tuples) and more for the others; oxc 0.159 survives 3000
 * such levels on a 4 MiB stack, so 1000 keeps a margin of three.
 */
export const ORACLE_DEPTH_LIMIT = 1000;

/** `ok`: safe for oxc; `deep`: deeper than the limit at `index` (or Babel overflowed); `syntax`: Babel cannot parse it. */
export type OracleVerdict = { kind: 'ok' } | { kind: 'deep'; index: number | null } | { kind: 'syntax'; index: number; message: string };

interface BabelNode {
  type: string;
  start?: number | null;
}

const SKIP_KEYS = new Set(['loc', 'start', 'end', 'extra', 'range', 'leadingComments', 'trailingComments', 'innerComments', 'comments', 'tokens', 'errors']);

function isNode(v: unknown): v is BabelNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

/** The depth of the deepest node, walked without recursion; stops at the first node past `limit`. */
function deepestBeyond(root: BabelNode, limit: number): BabelNode | null {
  const stack: Array<[BabelNode, number]> = [[root, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (depth > limit) return node;
    for (const key of Object.keys(node)) {
      if (SKIP_KEYS.has(key)) continue;
      const v = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(v)) {
        for (const el of v) if (isNode(el)) stack.push([el, depth + 1]);
      } else if (isNode(v)) stack.push([v, depth + 1]);
    }
  }
  return null;
}

/** Parses `source` with Babel and checks its depth. Never throws. */
export function consultDepthOracle(source: string, opts: { typescript: boolean; limit?: number }): OracleVerdict {
  let file: BabelNode;
  try {
    file = parse(source, {
      sourceType: 'module',
      plugins: opts.typescript ? ['typescript'] : [],
      // Parentheses cost oxc a level each, so they must count here too.
      createParenthesizedExpressions: true,
      attachComment: false,
      errorRecovery: false,
    });
  } catch (err) {
    if (err instanceof RangeError) return { kind: 'deep', index: null };
    const e = err as { pos?: unknown; message?: unknown };
    const message = typeof e.message === 'string' ? e.message.replace(/\s*\(\d+:\d+\)$/, '') : 'syntax error';
    return { kind: 'syntax', index: typeof e.pos === 'number' ? e.pos : 0, message };
  }
  const deep = deepestBeyond(file, opts.limit ?? ORACLE_DEPTH_LIMIT);
  return deep === null ? { kind: 'ok' } : { kind: 'deep', index: deep.start ?? null };
}
