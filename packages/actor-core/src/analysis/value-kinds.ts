// What an expression may evaluate to, as far as the rules care: the global object, eval, the Function
// constructor, a Node host global, WebAssembly, a built-in (or its prototype). Variables that hold one of
// these (`const g = globalThis`, `const { prototype: p } = Array`) are tracked by name, flow-insensitively:
// a name bound to such a value anywhere counts everywhere, which errs toward reporting.
import { field, identifierName, list, raw, text, unwrap, type AstNode } from './ast.ts';
import type { Scope } from './scope.ts';
import type { Visit } from './service-walker.ts';
import { memberName } from './static-value.ts';

/**
 * `global`: the global object; `eval`, `function` (the Function constructor), `realm` (ShadowRealm), `wasm`,
 * `host` (process, require, …); `builtin`: a built-in object or one of its properties; `proto`: a
 * prototype (of a built-in, or of anything: `x.__proto__`); `ctor`: `x.constructor` (may be Function).
 */
export type ValueKind = 'global' | 'eval' | 'function' | 'realm' | 'wasm' | 'host' | 'builtin' | 'proto' | 'ctor';

/** A classified value and the path that names it in messages (`globalThis`, `Object.defineProperty`, `Array.prototype`). */
export interface ValueInfo {
  readonly kind: ValueKind;
  readonly path: string;
}

/** Names of the global object in the environments services are written for. */
export const GLOBAL_OBJECT_NAMES: ReadonlySet<string> = new Set(['globalThis', 'global', 'window', 'self']);
/** Node's globals: none exists in a service's isolate. */
export const HOST_GLOBALS: ReadonlySet<string> = new Set(['process', 'require', 'module', 'exports', '__dirname', '__filename', 'Buffer', 'global']);
/** Built-ins whose mutation changes the behaviour of every other piece of code in the isolate. */
export const BUILTINS: ReadonlySet<string> = new Set(
  (
    'Object Array String Number Boolean Symbol BigInt Date RegExp Error EvalError RangeError ReferenceError SyntaxError ' +
    'TypeError URIError AggregateError Promise Map Set WeakMap WeakSet WeakRef FinalizationRegistry ArrayBuffer ' +
    'SharedArrayBuffer DataView Int8Array Uint8Array Uint8ClampedArray Int16Array Uint16Array Int32Array Uint32Array ' +
    'Float32Array Float64Array BigInt64Array BigUint64Array JSON Math Reflect Proxy Intl Atomics Iterator console ' +
    'TextEncoder TextDecoder URL URLSearchParams structuredClone queueMicrotask'
  ).split(' '),
);

/** The kind of a global name (an unshadowed identifier, or a property of the global object). */
export function kindOfGlobalName(name: string): ValueKind | null {
  if (GLOBAL_OBJECT_NAMES.has(name)) return 'global';
  if (name === 'eval') return 'eval';
  if (name === 'Function') return 'function';
  if (name === 'ShadowRealm') return 'realm';
  if (name === 'WebAssembly') return 'wasm';
  if (HOST_GLOBALS.has(name)) return 'host';
  if (BUILTINS.has(name)) return 'builtin';
  return null;
}

function memberInfo(object: ValueInfo | null, name: string | null): ValueInfo | null {
  const path = `${object?.path ?? '…'}.${name ?? '[…]'}`;
  if (name === '__proto__') return { kind: 'proto', path };
  if (name === 'constructor') return { kind: object?.kind === 'global' ? 'builtin' : 'ctor', path };
  if (object === null) return null;
  if (object.kind === 'global') {
    const kind = name === null ? null : kindOfGlobalName(name);
    return kind === null ? null : { kind, path: kind === 'global' ? 'globalThis' : (name ?? '') };
  }
  if (object.kind === 'host') return { kind: 'host', path };
  return { kind: name === 'prototype' ? 'proto' : 'builtin', path };
}

/** A variable bound to an expression (`key`: the property destructured from it), which may make it an alias. */
interface Candidate {
  name: string;
  init: AstNode;
  key: string | null;
  scope: Scope;
}

/** The identifiers whose value decides what `node` is (`a` in `a.b.c`, both sides of `a || b`). */
function rootNames(node: AstNode, out: string[] = [], depth = 0): string[] {
  if (depth > 64) return out;
  const n = unwrap(node);
  const next = (k: string): void => {
    const child = field(n, k);
    if (child !== null) rootNames(child, out, depth + 1);
  };
  switch (n.type) {
    case 'Identifier': {
      const name = text(n, 'name');
      if (name !== null) out.push(name);
      break;
    }
    case 'MemberExpression':
      next('object');
      break;
    case 'CallExpression':
      next('callee');
      break;
    case 'SequenceExpression': {
      const last = list(n, 'expressions').at(-1);
      if (last !== undefined) rootNames(last, out, depth + 1);
      break;
    }
    case 'ConditionalExpression':
      next('consequent');
      next('alternate');
      break;
    case 'LogicalExpression':
      next('left');
      next('right');
      break;
    case 'AssignmentExpression':
      next('right');
      break;
  }
  return out;
}

/** Classifies expressions of one module, once its walk has finished. */
export class ValueKinds {
  readonly #aliases = new Map<string, ValueInfo>();
  /** Results per node, once the aliases are settled (rules ask about the same nodes repeatedly). */
  #memo: Map<AstNode, ValueInfo | null> | null = null;

  constructor(visits: readonly Visit[]) {
    const candidates: Candidate[] = [];
    for (const v of visits) {
      const n = v.node;
      let target: AstNode | null = null;
      let init: AstNode | null = null;
      if (n.type === 'VariableDeclarator') {
        target = field(n, 'id');
        init = field(n, 'init');
      } else if (n.type === 'AssignmentExpression' && raw(n, 'operator') === '=') {
        target = field(n, 'left');
        init = field(n, 'right');
      }
      if (target === null || init === null) continue;
      const name = identifierName(target);
      if (name !== null) candidates.push({ name, init, key: null, scope: v.scope });
      else if (target.type === 'ObjectPattern') {
        for (const p of list(target, 'properties')) {
          const value = field(p, 'value');
          const bound = value === null ? null : identifierName(value.type === 'AssignmentPattern' ? field(value, 'left') : value);
          const key = p.type === 'Property' ? memberName(p, 'key') : null;
          if (bound !== null && key !== null) candidates.push({ name: bound, init, key, scope: v.scope });
        }
      }
    }
    // Aliases of aliases (`const a = globalThis; const b = a;`), in any order: a worklist re-examines only the
    // candidates whose value reads a name that just became an alias, so a long chain stays linear.
    const readers = new Map<string, Candidate[]>();
    const queue: string[] = [];
    const settle = (c: Candidate): void => {
      if (this.#aliases.has(c.name)) return;
      const base = this.of(c.init, c.scope);
      const info = c.key === null ? base : memberInfo(base, c.key);
      if (info === null) return;
      this.#aliases.set(c.name, info);
      queue.push(c.name);
    };
    for (const c of candidates) {
      for (const root of rootNames(c.init)) {
        const list = readers.get(root);
        if (list === undefined) readers.set(root, [c]);
        else list.push(c);
      }
      settle(c);
    }
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) for (const c of readers.get(name) ?? []) settle(c);
    this.#memo = new Map();
  }

  /** True when `name` is bound somewhere to a classified value. */
  isAlias(name: string): boolean {
    return this.#aliases.has(name);
  }

  /** What `node`, evaluated in `scope`, may be; null for anything else. */
  of(node: AstNode, scope: Scope, depth = 0): ValueInfo | null {
    const memo = this.#memo;
    if (memo === null) return this.#classify(node, scope, depth);
    const known = memo.get(node);
    if (known !== undefined) return known;
    const info = this.#classify(node, scope, depth);
    memo.set(node, info);
    return info;
  }

  #classify(node: AstNode, scope: Scope, depth: number): ValueInfo | null {
    if (depth > 64) return null;
    const n = unwrap(node);
    switch (n.type) {
      case 'Identifier': {
        const name = text(n, 'name') ?? '';
        if (scope.isGlobal(name)) {
          const kind = kindOfGlobalName(name);
          if (kind !== null) return { kind, path: name };
        }
        return this.#aliases.get(name) ?? null;
      }
      case 'MemberExpression': {
        const object = field(n, 'object');
        return memberInfo(object === null ? null : this.of(object, scope, depth + 1), memberName(n));
      }
      case 'CallExpression': {
        const callee = field(n, 'callee');
        const info = callee === null ? null : this.of(callee, scope, depth + 1);
        if (info !== null && (info.path === 'Object.getPrototypeOf' || info.path === 'Reflect.getPrototypeOf')) return { kind: 'proto', path: `${info.path}(…)` };
        return null;
      }
      case 'SequenceExpression': {
        const last = list(n, 'expressions').at(-1);
        return last === undefined ? null : this.of(last, scope, depth + 1);
      }
      case 'ConditionalExpression':
      case 'LogicalExpression': {
        const a = field(n, n.type === 'LogicalExpression' ? 'left' : 'consequent');
        const b = field(n, n.type === 'LogicalExpression' ? 'right' : 'alternate');
        return (a === null ? null : this.of(a, scope, depth + 1)) ?? (b === null ? null : this.of(b, scope, depth + 1));
      }
      case 'AssignmentExpression': {
        const right = field(n, 'right');
        return raw(n, 'operator') === '=' && right !== null ? this.of(right, scope, depth + 1) : null;
      }
    }
    return null;
  }
}

/** True when `node` is a string built at run time or written literally: `'code'`, `` `x${y}` ``, `'a' + b`. */
export function isStringLike(node: AstNode): boolean {
  const n = unwrap(node);
  if (n.type === 'TemplateLiteral') return true;
  if (n.type === 'Literal') return typeof raw(n, 'value') === 'string';
  if (n.type === 'BinaryExpression' && raw(n, 'operator') === '+') {
    const l = field(n, 'left');
    const r = field(n, 'right');
    return (l !== null && isStringLike(l)) || (r !== null && isStringLike(r));
  }
  return false;
}
