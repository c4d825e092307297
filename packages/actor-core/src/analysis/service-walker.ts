// One walk over a parsed service: builds its scopes, skips everything TypeScript erases (types, `declare`),
// and records the nodes the rules look at, each with its parent (wrappers such as `as T` or `!` skipped)
// and its scope. The rules run after the walk, when every scope is complete.
import { visitorKeys } from 'oxc-parser';
import { WRAPPERS, field, flag, identifierName, list, text, type AstNode } from './ast.ts';
import { Scope, patternNames } from './scope.ts';
import { isAmbient, isTypeOnlySpecifier, isTypeOnlyStatement } from './type-only.ts';

/** A recorded node: `parent` is the nearest non-wrapper ancestor, `key` the field of `parent` holding it. */
export interface Visit {
  readonly node: AstNode;
  readonly parent: AstNode | null;
  readonly key: string;
  readonly scope: Scope;
}

/** What the walk found. */
export interface WalkResult {
  /** Recorded nodes in source order (identifiers only where they are references). */
  readonly visits: readonly Visit[];
  /** Names read as values anywhere (TypeScript erases an import used only as a type). */
  readonly valueNames: ReadonlySet<string>;
  /** The first node deeper than `maxDepth`, or null. */
  readonly tooDeep: AstNode | null;
}

/** Node types the rules look at. */
const RECORDED = new Set([
  'MemberExpression',
  'CallExpression',
  'NewExpression',
  'AssignmentExpression',
  'UpdateExpression',
  'UnaryExpression',
  'ImportExpression',
  'MetaProperty',
  'ForInStatement',
  'ForOfStatement',
]);

/** Fields that hold only types: TypeScript erases them. */
const TYPE_KEYS = new Set(['typeAnnotation', 'typeParameters', 'typeArguments', 'returnType', 'superTypeArguments', 'implements']);

/** Declarations without run-time code. */
const TYPE_ONLY = new Set([
  'TSTypeAliasDeclaration',
  'TSInterfaceDeclaration',
  'TSDeclareFunction',
  'TSEmptyBodyFunctionExpression',
  'TSIndexSignature',
  'TSAbstractMethodDefinition',
  'TSAbstractPropertyDefinition',
  'TSAbstractAccessorProperty',
  'TSNamespaceExportDeclaration',
]);

const KEYS = visitorKeys as Readonly<Record<string, readonly string[] | undefined>>;

/** Nodes without children the rules look at. */
const LEAVES = new Set(['Literal', 'TemplateElement', 'ThisExpression', 'Super', 'PrivateIdentifier', 'EmptyStatement', 'DebuggerStatement']);

/** Value-holding child fields per node type (type-only fields left out), computed once per type. */
const CHILD_KEYS = new Map<string, readonly string[]>();
function childKeys(type: string): readonly string[] {
  let keys = CHILD_KEYS.get(type);
  if (keys === undefined) {
    keys = (KEYS[type] ?? []).filter((k) => !TYPE_KEYS.has(k));
    CHILD_KEYS.set(type, keys);
  }
  return keys;
}

/** The fields of a node, for the hot paths that read them directly. */
type NodeFields = AstNode & Readonly<Record<string, unknown>>;

/** Declarations that may be ambient (`declare …`). */
const MAYBE_AMBIENT = new Set(['VariableDeclaration', 'ClassDeclaration', 'FunctionDeclaration', 'TSModuleDeclaration', 'TSEnumDeclaration']);

// A local copy of ast.ts's isNode: the walk calls it for every field, and a call across modules costs more.
function isTreeNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

class Walker {
  readonly visits: Visit[] = [];
  readonly valueNames = new Set<string>();
  tooDeep: AstNode | null = null;
  readonly #maxDepth: number;
  readonly #source: string;

  constructor(source: string, maxDepth: number) {
    this.#source = source;
    this.#maxDepth = maxDepth;
  }

  #record(node: AstNode, parent: AstNode | null, key: string, scope: Scope): void {
    this.visits.push({ node, parent, key, scope });
  }

  #tooDeep(node: AstNode, depth: number): boolean {
    if (depth <= this.#maxDepth) return false;
    this.tooDeep ??= node;
    return true;
  }

  /** Visits `node` as a value (an expression or a statement). */
  visit(node: AstNode, parent: AstNode | null, key: string, scope: Scope, depth: number): void {
    if (this.#tooDeep(node, depth)) return;
    const type = node.type;
    // The hot paths first (identifiers, literals and members are most of any tree), with direct field reads.
    if (LEAVES.has(type)) return;
    const fields = node as NodeFields;
    if (type === 'Identifier') {
      const name = fields['name'];
      if (typeof name === 'string') this.valueNames.add(name);
      this.visits.push({ node, parent, key, scope });
      return;
    }
    if (type === 'MemberExpression') {
      this.visits.push({ node, parent, key, scope });
      const object = fields['object'];
      if (isTreeNode(object)) this.visit(object, node, 'object', scope, depth + 1);
      const property = fields['property'];
      if (fields['computed'] === true && isTreeNode(property)) this.visit(property, node, 'property', scope, depth + 1);
      return;
    }
    if (this.#common(node, fields, parent, key, scope, depth + 1)) return;
    if (TYPE_ONLY.has(type) || (MAYBE_AMBIENT.has(type) && isAmbient(node, this.#source))) return;
    const d = depth + 1;
    switch (type) {
      case 'VariableDeclaration': {
        const target = text(node, 'kind') === 'var' ? scope.functionScope() : scope;
        for (const decl of list(node, 'declarations')) {
          this.#record(decl, node, 'declarations', scope);
          const id = field(decl, 'id');
          if (id !== null) this.#binding(id, decl, target, scope, d + 1);
          const init = field(decl, 'init');
          if (init !== null) this.visit(init, decl, 'init', scope, d + 1);
        }
        return;
      }
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        this.#function(node, scope, d);
        return;
      case 'ClassDeclaration':
      case 'ClassExpression': {
        const id = identifierName(field(node, 'id'));
        if (id !== null && node.type === 'ClassDeclaration') scope.declare(id);
        const inner = new Scope(scope, { isFunction: false });
        if (id !== null) inner.declare(id);
        for (const dec of list(node, 'decorators')) this.visit(dec, node, 'decorators', scope, d);
        const superClass = field(node, 'superClass');
        if (superClass !== null) this.visit(superClass, node, 'superClass', inner, d);
        const body = field(node, 'body');
        if (body !== null) for (const el of list(body, 'body')) this.visit(el, body, 'body', inner, d + 1);
        return;
      }
      case 'MethodDefinition':
      case 'PropertyDefinition':
      case 'AccessorProperty':
      case 'Property': {
        if (node.type === 'Property') this.#record(node, parent, key, scope);
        for (const dec of list(node, 'decorators')) this.visit(dec, node, 'decorators', scope, d);
        const k = field(node, 'key');
        if (k !== null && flag(node, 'computed')) this.visit(k, node, 'key', scope, d);
        const value = field(node, 'value');
        // In an assignment pattern (`({ a: x.y } = o)`) the value is a write target, not a read.
        if (value !== null) this.visit(value, node, parent?.type === 'ObjectPattern' ? 'target' : 'value', scope, d);
        return;
      }
      case 'BlockStatement':
      case 'StaticBlock': {
        const inner = new Scope(scope, { isFunction: node.type === 'StaticBlock' });
        for (const s of list(node, 'body')) this.visit(s, node, 'body', inner, d);
        return;
      }
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
      case 'SwitchStatement':
        if (RECORDED.has(node.type)) this.#record(node, parent, key, scope);
        this.#children(node, new Scope(scope, { isFunction: false }), d);
        return;
      case 'CatchClause': {
        const inner = new Scope(scope, { isFunction: false });
        const param = field(node, 'param');
        if (param !== null) this.#binding(param, node, inner, inner, d);
        const body = field(node, 'body');
        if (body !== null) for (const s of list(body, 'body')) this.visit(s, body, 'body', inner, d + 1);
        return;
      }
      case 'LabeledStatement': {
        const body = field(node, 'body');
        if (body !== null) this.visit(body, node, 'body', scope, d);
        return;
      }
      case 'BreakStatement':
      case 'ContinueStatement':
        return;
      case 'ImportDeclaration':
        this.#record(node, parent, key, scope);
        if (!isTypeOnlyStatement(node, this.#source)) {
          for (const s of list(node, 'specifiers')) {
            const local = identifierName(field(s, 'local'));
            if (local !== null && !isTypeOnlySpecifier(s, this.#source)) scope.declare(local);
          }
        }
        return;
      case 'ExportAllDeclaration':
        this.#record(node, parent, key, scope);
        return;
      case 'ExportNamedDeclaration': {
        this.#record(node, parent, key, scope);
        const declaration = field(node, 'declaration');
        if (declaration !== null) this.visit(declaration, node, 'declaration', scope, d);
        // `export { a as b }` reads the local `a`; with `from`, nothing local is read.
        if (field(node, 'source') === null && !isTypeOnlyStatement(node, this.#source)) {
          for (const s of list(node, 'specifiers')) {
            const local = field(s, 'local');
            if (local !== null && !isTypeOnlySpecifier(s, this.#source)) this.visit(local, s, 'local', scope, d + 1);
          }
        }
        return;
      }
      case 'TSImportEqualsDeclaration': {
        this.#record(node, parent, key, scope);
        const id = identifierName(field(node, 'id'));
        if (id !== null && !isTypeOnlyStatement(node, this.#source)) scope.declare(id);
        return;
      }
      case 'TSModuleDeclaration': {
        const id = identifierName(field(node, 'id'));
        if (id !== null) scope.declare(id);
        const body = field(node, 'body');
        if (body !== null) {
          const inner = new Scope(scope, { isFunction: true });
          if (body.type === 'TSModuleDeclaration') this.visit(body, node, 'body', inner, d);
          else for (const s of list(body, 'body')) this.visit(s, body, 'body', inner, d + 1);
        }
        return;
      }
      case 'TSEnumDeclaration': {
        const id = identifierName(field(node, 'id'));
        if (id !== null) scope.declare(id);
        const inner = new Scope(scope, { isFunction: false });
        const body = field(node, 'body');
        for (const member of body === null ? [] : list(body, 'members')) {
          // A member's name is in scope for later initializers (`B = A * 2`).
          const name = identifierName(field(member, 'id'));
          const init = field(member, 'initializer');
          if (init !== null) this.visit(init, member, 'initializer', inner, d + 2);
          if (name !== null) inner.declare(name);
        }
        return;
      }
      case 'MetaProperty':
        this.#record(node, parent, key, scope);
        return;
    }
    if (WRAPPERS.has(node.type)) {
      // A wrapper is transparent: its expression takes over the wrapper's parent and key.
      const inner = field(node, 'expression');
      if (inner !== null) this.visit(inner, parent, key, scope, d);
      return;
    }
    if (RECORDED.has(node.type) || node.type === 'ObjectPattern') this.#record(node, parent, key, scope);
    this.#children(node, scope, d);
  }

  /**
   * The most frequent expression and statement types, with their fields read by name (faster than the generic
   * walk by field list); false for any other type.
   */
  #common(node: AstNode, fields: NodeFields, parent: AstNode | null, key: string, scope: Scope, d: number): boolean {
    switch (node.type) {
      case 'CallExpression':
      case 'NewExpression':
        this.visits.push({ node, parent, key, scope });
        this.#one(node, fields['callee'], 'callee', scope, d);
        this.#many(node, fields['arguments'], 'arguments', scope, d);
        return true;
      case 'ObjectExpression':
        this.#many(node, fields['properties'], 'properties', scope, d);
        return true;
      case 'ArrayExpression':
        this.#many(node, fields['elements'], 'elements', scope, d);
        return true;
      case 'BinaryExpression':
      case 'LogicalExpression':
        this.#one(node, fields['left'], 'left', scope, d);
        this.#one(node, fields['right'], 'right', scope, d);
        return true;
      case 'ExpressionStatement':
        this.#one(node, fields['expression'], 'expression', scope, d);
        return true;
      case 'ReturnStatement':
      case 'SpreadElement':
      case 'AwaitExpression':
        this.#one(node, fields['argument'], 'argument', scope, d);
        return true;
      case 'IfStatement':
      case 'ConditionalExpression':
        this.#one(node, fields['test'], 'test', scope, d);
        this.#one(node, fields['consequent'], 'consequent', scope, d);
        this.#one(node, fields['alternate'], 'alternate', scope, d);
        return true;
      case 'TemplateLiteral':
        this.#many(node, fields['expressions'], 'expressions', scope, d);
        return true;
    }
    return false;
  }

  #one(parent: AstNode, v: unknown, key: string, scope: Scope, depth: number): void {
    if (isTreeNode(v)) this.visit(v, parent, key, scope, depth);
  }

  #many(parent: AstNode, v: unknown, key: string, scope: Scope, depth: number): void {
    if (Array.isArray(v)) for (const el of v) if (isTreeNode(el)) this.visit(el, parent, key, scope, depth);
  }

  /** Visits every non-type child of `node` as a value. */
  #children(node: AstNode, scope: Scope, depth: number): void {
    const fields = node as NodeFields;
    for (const k of childKeys(node.type)) {
      const v = fields[k];
      if (Array.isArray(v)) {
        for (const el of v) if (isTreeNode(el)) this.visit(el, node, k, scope, depth);
      } else if (isTreeNode(v)) this.visit(v, node, k, scope, depth);
    }
  }

  /** Declares a binding pattern's names in `target` and visits what it computes (defaults, computed keys) in `scope`. */
  #binding(pattern: AstNode, parent: AstNode, target: Scope, scope: Scope, depth: number): void {
    if (this.#tooDeep(pattern, depth)) return;
    for (const name of patternNames(pattern)) target.declare(name);
    this.#bindingValues(pattern, parent, scope, depth);
  }

  #bindingValues(pattern: AstNode, parent: AstNode, scope: Scope, depth: number): void {
    if (this.#tooDeep(pattern, depth)) return;
    const d = depth + 1;
    switch (pattern.type) {
      case 'ObjectPattern':
        this.#record(pattern, parent, 'id', scope);
        for (const p of list(pattern, 'properties')) {
          const k = field(p, 'key');
          if (k !== null && flag(p, 'computed')) this.visit(k, p, 'key', scope, d);
          const target = p.type === 'RestElement' ? field(p, 'argument') : field(p, 'value');
          if (target !== null) this.#bindingValues(target, p, scope, d + 1);
        }
        break;
      case 'ArrayPattern':
        for (const el of list(pattern, 'elements')) this.#bindingValues(el, pattern, scope, d);
        break;
      case 'AssignmentPattern': {
        const left = field(pattern, 'left');
        if (left !== null) this.#bindingValues(left, pattern, scope, d);
        const right = field(pattern, 'right');
        if (right !== null) this.visit(right, pattern, 'right', scope, d);
        break;
      }
      case 'RestElement':
      case 'TSParameterProperty': {
        const inner = field(pattern, pattern.type === 'RestElement' ? 'argument' : 'parameter');
        if (inner !== null) this.#bindingValues(inner, pattern, scope, d);
        break;
      }
    }
  }

  #function(node: AstNode, scope: Scope, depth: number): void {
    const id = identifierName(field(node, 'id'));
    // A function declaration binds its name where it stands; a function expression only inside itself.
    if (id !== null && node.type === 'FunctionDeclaration') scope.declare(id);
    const inner = new Scope(scope, { isFunction: true });
    if (id !== null && node.type === 'FunctionExpression') inner.declare(id);
    for (const param of list(node, 'params')) this.#binding(param, node, inner, inner, depth);
    const body = field(node, 'body');
    if (body === null) return;
    if (body.type === 'BlockStatement') {
      if (this.#tooDeep(body, depth)) return;
      for (const s of list(body, 'body')) this.visit(s, body, 'body', inner, depth + 1);
    } else this.visit(body, node, 'body', inner, depth);
  }
}

/** Walks a parsed module (its `Program` node, parsed from `source`), stopping below `maxDepth`. */
export function walkService(program: AstNode, source: string, opts: { maxDepth: number }): WalkResult {
  const walker = new Walker(source, opts.maxDepth);
  const scope = new Scope(null, { isFunction: true });
  for (const s of list(program, 'body')) walker.visit(s, program, 'body', scope, 2);
  return { visits: walker.visits, valueNames: walker.valueNames, tooDeep: walker.tooDeep };
}
