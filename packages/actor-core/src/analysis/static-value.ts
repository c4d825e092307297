// Folds the constant strings an attacker uses to spell a name without writing it: `'ev' + 'al'`,
// `` `eval` ``, `['eval'][0]` is out of reach (an array element is no constant here; the global-object
// rules refuse the dynamic access instead).
import { field, flag, identifierName, list, raw, unwrap, type AstNode } from './ast.ts';

/** The string value of a constant expression (string/number literals, `+` of constants, templates of constants), else null. */
export function constantString(node: AstNode, depth = 0): string | null {
  if (depth > 64) return null;
  const n = unwrap(node);
  switch (n.type) {
    case 'Literal': {
      const v = raw(n, 'value');
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === null ? 'null' : null;
    }
    case 'TemplateLiteral': {
      const quasis = list(n, 'quasis');
      const exprs = list(n, 'expressions');
      let out = '';
      for (let i = 0; i < quasis.length; i++) {
        const q = quasis[i];
        const cooked = q === undefined ? null : (raw(q, 'value') as { cooked?: unknown } | null)?.cooked;
        if (typeof cooked !== 'string') return null;
        out += cooked;
        const e = exprs[i];
        if (e !== undefined) {
          const v = constantString(e, depth + 1);
          if (v === null) return null;
          out += v;
        }
      }
      return out;
    }
    case 'BinaryExpression': {
      if (raw(n, 'operator') !== '+') return null;
      const l = field(n, 'left');
      const r = field(n, 'right');
      if (l === null || r === null) return null;
      const a = constantString(l, depth + 1);
      const b = a === null ? null : constantString(r, depth + 1);
      return a === null || b === null ? null : a + b;
    }
    case 'SequenceExpression': {
      const last = list(n, 'expressions').at(-1);
      return last === undefined ? null : constantString(last, depth + 1);
    }
  }
  return null;
}

/**
 * The property name a member expression (or a property key) reads: `a.b` → 'b', `a['b']` → 'b',
 * `a['e' + 'val']` → 'eval'; null when computed from something that is no constant (or a `#private` name).
 */
export function memberName(node: AstNode, keyField = 'property'): string | null {
  const prop = field(node, keyField);
  if (prop === null) return null;
  if (!flag(node, 'computed')) return identifierName(prop) ?? (prop.type === 'Literal' ? constantString(prop) : null);
  return constantString(prop);
}

/** True when a computed member's key is not a constant: `a[k]`. */
export function isDynamicMember(node: AstNode, keyField = 'property'): boolean {
  if (!flag(node, 'computed')) return false;
  const prop = field(node, keyField);
  return prop !== null && constantString(prop) === null;
}
