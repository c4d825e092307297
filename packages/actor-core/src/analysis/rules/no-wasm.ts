// Rule `no-wasm`: WebAssembly anywhere (there is no wasm deploy yet): the global, or any `.WebAssembly`.
import { text } from '../ast.ts';
import type { Visit } from '../service-walker.ts';
import { memberName } from '../static-value.ts';
import { destructured, type RuleContext } from './rule-context.ts';

export function checkNoWasm(visit: Visit, ctx: RuleContext): void {
  const node = visit.node;
  const hit =
    node.type === 'Identifier'
      ? text(node, 'name') === 'WebAssembly' && visit.scope.isGlobal('WebAssembly')
      : node.type === 'MemberExpression' && memberName(node) === 'WebAssembly';
  if (hit) ctx.report('no-wasm', 'error', node, `\`${ctx.quote(node)}\` uses WebAssembly, which services cannot deploy.`);
  for (const k of destructured(visit, ctx)?.keys ?? []) {
    if (k.name === 'WebAssembly') ctx.report('no-wasm', 'error', k.node, 'Destructuring `WebAssembly` uses WebAssembly, which services cannot deploy.');
  }
}
