// Rule `no-eval`: eval in every spelling (direct, indirect `(0, eval)`, aliased, `globalThis.eval`,
// `window['ev' + 'al']`), any computed read of the global object (it can spell eval at run time),
// ShadowRealm (evaluates strings) and timers given a string of code.
import { field, list, text, type AstNode } from '../ast.ts';
import type { Visit } from '../service-walker.ts';
import { isDynamicMember, memberName } from '../static-value.ts';
import { isStringLike } from '../value-kinds.ts';
import { destructured, isCallee, isWriteTarget, type RuleContext } from './rule-context.ts';

const STRING_TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate']);

/** Object/Reflect functions that hand out the values of an object's properties. */
export const PROPERTY_READERS: ReadonlySet<string> = new Set([
  'Reflect.get',
  'Reflect.getOwnPropertyDescriptor',
  'Object.getOwnPropertyDescriptor',
  'Object.getOwnPropertyDescriptors',
  'Object.values',
  'Object.entries',
  'Object.assign',
  'Object.fromEntries',
]);

function timerName(callee: AstNode, visit: Visit, ctx: RuleContext): string | null {
  if (callee.type === 'Identifier') {
    const name = text(callee, 'name') ?? '';
    return STRING_TIMERS.has(name) && visit.scope.isGlobal(name) ? name : null;
  }
  if (callee.type === 'MemberExpression') {
    const object = field(callee, 'object');
    const name = memberName(callee);
    if (object !== null && name !== null && STRING_TIMERS.has(name) && ctx.kinds.of(object, visit.scope)?.kind === 'global') return name;
  }
  return null;
}

export function checkNoEval(visit: Visit, ctx: RuleContext): void {
  const node = visit.node;
  switch (node.type) {
    case 'Identifier': {
      const name = text(node, 'name');
      if ((name === 'eval' || name === 'ShadowRealm') && visit.scope.isGlobal(name)) {
        const how = isCallee(visit) ? 'calls' : 'refers to';
        ctx.report('no-eval', 'error', node, `\`${ctx.quote(node)}\` ${how} ${name === 'eval' ? 'eval, which runs a string as code' : 'ShadowRealm, which evaluates strings as code'}.`);
      }
      return;
    }
    case 'MemberExpression': {
      const object = field(node, 'object');
      if (object === null || ctx.kinds.of(object, visit.scope)?.kind !== 'global') return;
      const name = memberName(node);
      if (name === 'eval' || name === 'ShadowRealm') {
        ctx.report('no-eval', 'error', node, `\`${ctx.quote(node)}\` reaches ${name} through the global object.`);
      } else if (isDynamicMember(node) && !isWriteTarget(visit)) {
        ctx.report('no-eval', 'error', node, `\`${ctx.quote(node)}\` reads the global object with a computed key, which can reach eval or Function.`);
      }
      return;
    }
    case 'ObjectPattern': {
      const d = destructured(visit, ctx);
      if (d?.source?.kind !== 'global') return;
      for (const k of d.keys) {
        if (k.name === 'eval' || k.name === 'ShadowRealm') ctx.report('no-eval', 'error', k.node, `Destructuring \`${k.name}\` from the global object reaches ${k.name}.`);
        else if (k.name === null) ctx.report('no-eval', 'error', k.node, 'Destructuring the global object with a computed key can reach eval or Function.');
      }
      return;
    }
    case 'CallExpression':
    case 'NewExpression': {
      const callee = field(node, 'callee');
      if (callee === null) return;
      const args = list(node, 'arguments');
      const timer = timerName(callee, visit, ctx);
      const first = args[0];
      if (timer !== null && first !== undefined && isStringLike(first)) {
        ctx.report('no-eval', 'error', node, `\`${timer}\` with a string argument runs that string as code.`, 'Pass a function, or better use ctx.setTimer(ms, message) and handleInfo.');
        return;
      }
      const path = ctx.kinds.of(callee, visit.scope)?.path ?? '';
      if (!PROPERTY_READERS.has(path)) return;
      // Copying or describing the global object's properties hands out eval and Function as values.
      const fromIndex = path === 'Object.assign' ? 1 : 0;
      for (const arg of args.slice(fromIndex)) {
        if (ctx.kinds.of(arg, visit.scope)?.kind === 'global') {
          ctx.report('no-eval', 'error', node, `\`${path}\` on the global object hands out its properties, eval and Function included.`);
          return;
        }
      }
      return;
    }
  }
}
