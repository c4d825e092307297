// Rule `no-proto-mutation`: prototype pollution and patched built-ins: writes through `__proto__`,
// assignments to built-ins and their prototypes (`Object.prototype.x = …`, `Array.prototype.map = …`,
// `JSON.parse = …`, `Error.prepareStackTrace = …`), and `Object.defineProperty` / `Object.setPrototypeOf`
// / `Reflect.set` … on them. Reading `__proto__` and `{ __proto__: proto }` literals are warnings.
import { field, list, raw, text, unwrap, type AstNode } from '../ast.ts';
import type { Visit } from '../service-walker.ts';
import { memberName } from '../static-value.ts';
import { kindOfGlobalName, type ValueKind } from '../value-kinds.ts';
import { MUTATORS } from './no-host-globals.ts';
import { isWriteTarget, type RuleContext } from './rule-context.ts';

/** Kinds whose mutation changes built-in behaviour. */
const BUILTIN_LIKE: ReadonlySet<ValueKind> = new Set(['builtin', 'proto', 'ctor', 'function', 'eval', 'realm', 'wasm']);

/** True when `member` is, or goes through, a `__proto__` access. */
function goesThroughProto(member: AstNode): boolean {
  let n: AstNode | null = member;
  while (n !== null && n.type === 'MemberExpression') {
    if (memberName(n) === '__proto__') return true;
    const object = field(n, 'object');
    n = object === null ? null : unwrap(object);
  }
  return false;
}

export function checkNoProtoMutation(visit: Visit, ctx: RuleContext): void {
  const node = visit.node;
  switch (node.type) {
    case 'MemberExpression': {
      const write = isWriteTarget(visit);
      if (!write) {
        if (memberName(node) === '__proto__') {
          ctx.report('no-proto-mutation', 'warning', node, `\`${ctx.quote(node)}\` reads \`__proto__\`, the usual first step of prototype pollution.`, 'Use Object.getPrototypeOf(x) if you really need the prototype.');
        }
        return;
      }
      if (goesThroughProto(node)) {
        ctx.report('no-proto-mutation', 'error', node, `\`${ctx.quote(node)}\` writes through \`__proto__\`, which changes a prototype shared by other objects.`);
        return;
      }
      const object = field(node, 'object');
      const info = object === null ? null : ctx.kinds.of(object, visit.scope);
      if (info !== null && BUILTIN_LIKE.has(info.kind)) {
        ctx.report('no-proto-mutation', 'error', node, `\`${ctx.quote(node)}\` changes the built-in \`${info.path}\`.`);
      }
      return;
    }
    case 'Identifier': {
      const name = text(node, 'name') ?? '';
      const kind = visit.scope.isGlobal(name) ? kindOfGlobalName(name) : null;
      if (kind !== null && BUILTIN_LIKE.has(kind) && isWriteTarget(visit)) {
        ctx.report('no-proto-mutation', 'error', node, `\`${name}\` is reassigned, which replaces a built-in.`, `Give your own value another name than \`${name}\`.`);
      }
      return;
    }
    case 'CallExpression': {
      const callee = field(node, 'callee');
      const path = callee === null ? '' : (ctx.kinds.of(callee, visit.scope)?.path ?? '');
      const target = list(node, 'arguments')[0];
      if (!MUTATORS.has(path) || target === undefined) return;
      const info = ctx.kinds.of(target, visit.scope);
      const throughProto = goesThroughProto(unwrap(target));
      if ((info !== null && BUILTIN_LIKE.has(info.kind)) || throughProto) {
        ctx.report('no-proto-mutation', 'error', node, `\`${path}\` on \`${info?.path ?? ctx.quote(target)}\` changes a built-in or a shared prototype.`);
      }
      return;
    }
    case 'Property': {
      if (visit.parent?.type !== 'ObjectExpression' || raw(node, 'computed') === true || raw(node, 'shorthand') === true || raw(node, 'method') === true) return;
      if (memberName(node, 'key') !== '__proto__') return;
      const value = field(node, 'value');
      if (value !== null && value.type === 'Literal' && raw(value, 'value') === null) return;
      ctx.report('no-proto-mutation', 'warning', node, '`__proto__: …` in an object literal sets its prototype.', 'Use `{ __proto__: null }` only for a dictionary without prototype; otherwise copy fields instead.');
      return;
    }
  }
}
