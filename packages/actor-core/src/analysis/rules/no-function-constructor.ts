// Rule `no-function-constructor`: the Function constructor (`Function('code')`, `new Function`, aliases) and
// the `.constructor` chains that reach it from any function: `(() => {}).constructor('code')`,
// `x.constructor.constructor`, `x['constructor']` handed around, `const { constructor } = f`.
// Reading `.constructor.name`, comparing `x.constructor === Foo` and assigning `P.prototype.constructor = P` stay fine.
import { field, list, raw, text } from '../ast.ts';
import type { Visit } from '../service-walker.ts';
import { constantString, memberName } from '../static-value.ts';
import { destructured, isCallee, isWriteTarget, type RuleContext } from './rule-context.ts';

const COMPARISONS = new Set(['===', '!==', '==', '!=', 'instanceof']);
/** What may be read from `x.constructor` without handing the constructor on. */
const SAFE_CONSTRUCTOR_PROPERTIES = new Set(['name', 'prototype']);

function constructorUse(visit: Visit): 'safe' | 'call' | 'chain' | 'escape' {
  const p = visit.parent;
  if (p === null) return 'escape';
  if (isCallee(visit)) return 'call';
  if (isWriteTarget(visit)) return 'safe';
  switch (p.type) {
    case 'MemberExpression': {
      if (visit.key !== 'object') return 'escape';
      const next = memberName(p);
      if (next === 'constructor') return 'chain';
      return next !== null && SAFE_CONSTRUCTOR_PROPERTIES.has(next) ? 'safe' : 'escape';
    }
    case 'BinaryExpression':
      return COMPARISONS.has(String(raw(p, 'operator'))) ? 'safe' : 'escape';
    case 'UnaryExpression':
      return raw(p, 'operator') === 'typeof' ? 'safe' : 'escape';
    case 'ExpressionStatement':
      return 'safe';
    case 'IfStatement':
    case 'SwitchStatement':
    case 'SwitchCase':
      // Tested or compared, not handed on.
      return visit.key === 'test' || visit.key === 'discriminant' ? 'safe' : 'escape';
  }
  return 'escape';
}

export function checkNoFunctionConstructor(visit: Visit, ctx: RuleContext): void {
  const node = visit.node;
  switch (node.type) {
    case 'Identifier': {
      if (text(node, 'name') !== 'Function' || !visit.scope.isGlobal('Function')) return;
      const p = visit.parent;
      if (p?.type === 'BinaryExpression' && raw(p, 'operator') === 'instanceof' && visit.key === 'right') return;
      ctx.report('no-function-constructor', 'error', node, `\`${ctx.quote(p !== null && isCallee(visit) ? p : node)}\` uses the Function constructor, which compiles a string into code.`);
      return;
    }
    case 'MemberExpression': {
      const name = memberName(node);
      const object = field(node, 'object');
      if (name === 'Function' && object !== null && ctx.kinds.of(object, visit.scope)?.kind === 'global') {
        ctx.report('no-function-constructor', 'error', node, `\`${ctx.quote(node)}\` reaches the Function constructor through the global object.`);
        return;
      }
      if (name !== 'constructor') return;
      const use = constructorUse(visit);
      if (use === 'safe') return;
      const what =
        use === 'call'
          ? 'calls `.constructor`, which is the Function constructor when the object is a function'
          : use === 'chain'
            ? 'chains `.constructor.constructor`, which reaches the Function constructor from any object'
            : 'hands `.constructor` on, and the constructor of a function is Function';
      ctx.report('no-function-constructor', 'error', node, `\`${ctx.quote(visit.parent !== null && use === 'call' ? visit.parent : node)}\` ${what}.`);
      return;
    }
    case 'ObjectPattern': {
      const d = destructured(visit, ctx);
      for (const k of d?.keys ?? []) {
        if (k.name === 'constructor') {
          ctx.report('no-function-constructor', 'error', k.node, 'Destructuring `constructor` hands it on, and the constructor of a function is Function.');
        } else if (k.name === 'Function' && d?.source?.kind === 'global') {
          ctx.report('no-function-constructor', 'error', k.node, 'Destructuring `Function` from the global object reaches the Function constructor.');
        }
      }
      return;
    }
    case 'CallExpression': {
      const callee = field(node, 'callee');
      const path = callee === null ? '' : (ctx.kinds.of(callee, visit.scope)?.path ?? '');
      if (path !== 'Reflect.get' && path !== 'Object.getOwnPropertyDescriptor' && path !== 'Reflect.getOwnPropertyDescriptor') return;
      const key = list(node, 'arguments')[1];
      if (key !== undefined && constantString(key) === 'constructor') {
        ctx.report('no-function-constructor', 'error', node, `\`${path}(…, 'constructor')\` reads the constructor, which is Function for a function.`);
      }
      return;
    }
  }
}
