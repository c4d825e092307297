// Lexical scopes of a service module, so that a rule can tell the global `process` from a local variable
// named `process`. Bindings are added while the walk goes and looked up only after it ends, so hoisted
// declarations (var, functions) shadow references that come before them, as at run time.
import { field, list, type AstNode } from './ast.ts';

/** One scope: the module, a function, a block, a class, a catch clause. */
export class Scope {
  readonly parent: Scope | null;
  /** Function-like scopes receive `var` declarations. */
  readonly isFunction: boolean;
  readonly #names = new Set<string>();

  constructor(parent: Scope | null, opts: { isFunction: boolean }) {
    this.parent = parent;
    this.isFunction = opts.isFunction;
  }

  declare(name: string): void {
    this.#names.add(name);
  }

  /** The nearest function-like scope (where `var` goes). */
  functionScope(): Scope {
    if (this.isFunction || this.parent === null) return this;
    return this.parent.functionScope();
  }

  /** True when no scope from here to the module declares `name`: a reference to it is the global one. */
  isGlobal(name: string): boolean {
    if (this.#names.has(name)) return false;
    return this.parent === null ? true : this.parent.isGlobal(name);
  }
}

/** Every name a binding pattern declares (`a`, `{ b, c: [d] }`, `...e`, `f = 1`). */
export function patternNames(pattern: AstNode, out: string[] = []): string[] {
  switch (pattern.type) {
    case 'Identifier': {
      const name = (pattern as unknown as { name?: unknown }).name;
      if (typeof name === 'string') out.push(name);
      break;
    }
    case 'ObjectPattern':
      for (const p of list(pattern, 'properties')) {
        const target = p.type === 'RestElement' ? field(p, 'argument') : field(p, 'value');
        if (target !== null) patternNames(target, out);
      }
      break;
    case 'ArrayPattern':
      for (const el of list(pattern, 'elements')) patternNames(el, out);
      break;
    case 'AssignmentPattern': {
      const left = field(pattern, 'left');
      if (left !== null) patternNames(left, out);
      break;
    }
    case 'RestElement': {
      const arg = field(pattern, 'argument');
      if (arg !== null) patternNames(arg, out);
      break;
    }
    case 'TSParameterProperty': {
      const param = field(pattern, 'parameter');
      if (param !== null) patternNames(param, out);
      break;
    }
  }
  return out;
}
