// What every rule receives, and the helpers rules share: quoting code, telling writes from reads.
import type { AnalysisRule, AnalysisSeverity } from '@solo/protocol';
import { field, list, raw, type AstNode } from '../ast.ts';
import { isDynamicMember, memberName } from '../static-value.ts';
import type { Visit } from '../service-walker.ts';
import type { ValueInfo, ValueKinds } from '../value-kinds.ts';

/** The environment of one rule run. */
export interface RuleContext {
  readonly kinds: ValueKinds;
  /** Names read as values anywhere in the module. */
  readonly valueNames: ReadonlySet<string>;
  /** True for TypeScript sources (imports used only as types are erased). */
  readonly typescript: boolean;
  /** The analysed source. */
  readonly source: string;
  /** The code of `node`, shortened to one line, for messages. */
  quote(node: AstNode): string;
  report(rule: AnalysisRule, severity: AnalysisSeverity, node: AstNode, message: string, hint?: string): void;
}

/** A rule looks at one recorded node at a time. */
export type Rule = (visit: Visit, ctx: RuleContext) => void;

/** True when the visited node is written (assigned, updated, deleted, a for-in/of target or inside an assignment pattern). */
export function isWriteTarget(visit: Visit): boolean {
  const p = visit.parent;
  if (p === null) return false;
  switch (p.type) {
    case 'AssignmentExpression':
    case 'ForInStatement':
    case 'ForOfStatement':
      return visit.key === 'left';
    case 'UpdateExpression':
      return true;
    case 'UnaryExpression':
      return raw(p, 'operator') === 'delete';
    case 'Property':
      return visit.key === 'target';
    case 'ArrayPattern':
    case 'RestElement':
      return true;
    case 'AssignmentPattern':
      return visit.key === 'left';
  }
  return false;
}

/**
 * For a destructuring pattern (`const { a, [k]: b } = init`, `({ a } = init)`): what `init` is, and the
 * keys read from it (null for a computed key that is no constant). Null for other patterns.
 */
export function destructured(visit: Visit, ctx: RuleContext): { source: ValueInfo | null; keys: Array<{ node: AstNode; name: string | null }> } | null {
  const p = visit.parent;
  if (visit.node.type !== 'ObjectPattern' || p === null) return null;
  const init = p.type === 'VariableDeclarator' && visit.key === 'id' ? field(p, 'init') : p.type === 'AssignmentExpression' && visit.key === 'left' ? field(p, 'right') : null;
  const keys = list(visit.node, 'properties')
    .filter((prop) => prop.type === 'Property')
    .map((prop) => ({ node: prop, name: isDynamicMember(prop, 'key') ? null : memberName(prop, 'key') }));
  return { source: init === null ? null : ctx.kinds.of(init, visit.scope), keys };
}

/** True when the visited node is the callee of a call or `new`. */
export function isCallee(visit: Visit): boolean {
  return (visit.parent?.type === 'CallExpression' || visit.parent?.type === 'NewExpression') && visit.key === 'callee';
}
