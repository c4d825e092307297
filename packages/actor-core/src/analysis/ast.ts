// A loose view of oxc's ESTree nodes: every node has `type`, `start` and `end` (UTF-16 offsets); other fields
// are read through these accessors, which check what they return.

/** Any node of the tree. */
export interface AstNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

type Fields = Readonly<Record<string, unknown>>;

/** True for a tree node. */
export function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

/** The node under `key`, or null. */
export function field(node: AstNode, key: string): AstNode | null {
  const v = (node as unknown as Fields)[key];
  return isNode(v) ? v : null;
}

/** The nodes of the array under `key` (holes and non-nodes left out). */
export function list(node: AstNode, key: string): readonly AstNode[] {
  const v = (node as unknown as Fields)[key];
  if (!Array.isArray(v)) return [];
  // Most arrays hold only nodes: hand them out as they are, without a copy.
  for (const el of v) if (!isNode(el)) return v.filter(isNode);
  return v as AstNode[];
}

/** The string under `key`, or null. */
export function text(node: AstNode, key: string): string | null {
  const v = (node as unknown as Fields)[key];
  return typeof v === 'string' ? v : null;
}

/** The raw value under `key`. */
export function raw(node: AstNode, key: string): unknown {
  return (node as unknown as Fields)[key];
}

/** True when the boolean under `key` is true. */
export function flag(node: AstNode, key: string): boolean {
  return (node as unknown as Fields)[key] === true;
}

/** The name of an Identifier node, else null. */
export function identifierName(node: AstNode | null): string | null {
  return node !== null && node.type === 'Identifier' ? text(node, 'name') : null;
}

/** Nodes that only wrap an expression (types, non-null, parentheses, optional chains) without changing its value. */
export const WRAPPERS: ReadonlySet<string> = new Set([
  'TSAsExpression',
  'TSSatisfiesExpression',
  'TSNonNullExpression',
  'TSTypeAssertion',
  'TSInstantiationExpression',
  'ParenthesizedExpression',
  'ChainExpression',
]);

/** The expression inside any wrappers. */
export function unwrap(node: AstNode): AstNode {
  let n = node;
  while (WRAPPERS.has(n.type)) {
    const inner = field(n, 'expression');
    if (inner === null) break;
    n = inner;
  }
  return n;
}
