// Rule `no-host-globals`: Node's globals (`process`, `require`, `module`, `exports`, `__dirname`,
// `__filename`, `Buffer`, `global`), directly or through the global object, and any change to the global
// object: `globalThis.x = …`, `Object.defineProperty(globalThis, …)`, or handing it to other code.
import { field, list, raw, text } from '../ast.ts';
import type { Visit } from '../service-walker.ts';
import { memberName } from '../static-value.ts';
import { GLOBAL_OBJECT_NAMES, HOST_GLOBALS } from '../value-kinds.ts';
import { destructured, isCallee, isWriteTarget, type RuleContext } from './rule-context.ts';

/** Object/Reflect functions that change their first argument. */
export const MUTATORS: ReadonlySet<string> = new Set([
  'Object.defineProperty',
  'Object.defineProperties',
  'Object.assign',
  'Object.setPrototypeOf',
  'Reflect.set',
  'Reflect.defineProperty',
  'Reflect.deleteProperty',
  'Reflect.setPrototypeOf',
]);

const GLOBAL_HINT = 'Keep data in the state your handlers return (or in a module-level const), never on the global object.';

/** Where the global object may appear without being changed or handed on. */
function isHarmlessGlobalUse(visit: Visit, ctx: RuleContext): boolean {
  const p = visit.parent;
  if (p === null) return false;
  switch (p.type) {
    case 'MemberExpression':
      // Reads and writes through it are judged by the member's own checks.
      return visit.key === 'object';
    case 'VariableDeclarator':
      // An alias: tracked, and every use through it is judged.
      return visit.key === 'init';
    case 'AssignmentExpression':
      return visit.key === 'right';
    case 'UnaryExpression':
      return raw(p, 'operator') === 'typeof';
    case 'BinaryExpression':
    case 'ExpressionStatement':
      return true;
    case 'CallExpression': {
      // Calls of Object/Reflect functions are judged by name (see MUTATORS and no-eval's readers).
      const callee = field(p, 'callee');
      const path = callee === null ? '' : (ctx.kinds.of(callee, visit.scope)?.path ?? '');
      return visit.key === 'arguments' && (path.startsWith('Object.') || path.startsWith('Reflect.'));
    }
  }
  return false;
}

export function checkNoHostGlobals(visit: Visit, ctx: RuleContext): void {
  const node = visit.node;
  switch (node.type) {
    case 'Identifier': {
      const name = text(node, 'name') ?? '';
      const isGlobalName = visit.scope.isGlobal(name);
      if (isGlobalName && HOST_GLOBALS.has(name)) {
        if (name === 'require' && isCallee(visit)) return; // no-import reports require('x')
        const probe = visit.parent?.type === 'UnaryExpression' && raw(visit.parent, 'operator') === 'typeof';
        ctx.report(
          'no-host-globals',
          probe ? 'warning' : 'error',
          node,
          probe ? `\`typeof ${name}\` probes for a Node global that never exists in a service.` : `\`${name}\` is a Node global; services run in an isolate without it.`,
        );
        return;
      }
      const isGlobalObject = (isGlobalName && GLOBAL_OBJECT_NAMES.has(name)) || (!isGlobalName && ctx.kinds.of(node, visit.scope)?.kind === 'global');
      if (!isGlobalObject) return;
      if (isWriteTarget(visit)) {
        if (isGlobalName) ctx.report('no-host-globals', 'error', node, `\`${name}\` is reassigned; the global object must not change.`, GLOBAL_HINT);
        return;
      }
      if (!isHarmlessGlobalUse(visit, ctx)) {
        ctx.report('no-host-globals', 'error', node, `\`${name}\` hands the global object to other code, which can change it or read eval from it.`, GLOBAL_HINT);
      }
      return;
    }
    case 'MemberExpression': {
      const object = field(node, 'object');
      if (object === null || ctx.kinds.of(object, visit.scope)?.kind !== 'global') return;
      const name = memberName(node);
      if (name !== null && HOST_GLOBALS.has(name)) {
        const probe = visit.parent?.type === 'UnaryExpression' && raw(visit.parent, 'operator') === 'typeof';
        ctx.report(
          'no-host-globals',
          probe ? 'warning' : 'error',
          node,
          probe
            ? `\`typeof ${ctx.quote(node)}\` probes for a Node global that never exists in a service.`
            : `\`${ctx.quote(node)}\` reaches the Node global \`${name}\`; services run in an isolate without it.`,
        );
      } else if (isWriteTarget(visit)) {
        ctx.report('no-host-globals', 'error', node, `\`${ctx.quote(node)}\` changes the global object.`, GLOBAL_HINT);
      }
      return;
    }
    case 'ObjectPattern': {
      const d = destructured(visit, ctx);
      if (d?.source?.kind !== 'global') return;
      for (const k of d.keys) {
        if (k.name !== null && HOST_GLOBALS.has(k.name)) ctx.report('no-host-globals', 'error', k.node, `Destructuring \`${k.name}\` from the global object reaches a Node global; services run in an isolate without it.`);
      }
      return;
    }
    case 'CallExpression': {
      const callee = field(node, 'callee');
      const path = callee === null ? '' : (ctx.kinds.of(callee, visit.scope)?.path ?? '');
      const target = list(node, 'arguments')[0];
      if (MUTATORS.has(path) && target !== undefined && ctx.kinds.of(target, visit.scope)?.kind === 'global') {
        ctx.report('no-host-globals', 'error', node, `\`${path}\` on the global object changes it.`, GLOBAL_HINT);
      }
      return;
    }
  }
}
