// Rule `no-import`: a service is one module and reaches the world only through ctx, so it imports nothing:
// no static or dynamic import, no `export … from`, no `require`, no `import x = require()`. As in
// compileService, type-only imports are fine, and in TypeScript so is an import used only as a type
// (TypeScript erases it).
import { field, identifierName, list, text, type AstNode } from '../ast.ts';
import type { Visit } from '../service-walker.ts';
import { constantString } from '../static-value.ts';
import { isTypeOnlySpecifier, isTypeOnlyStatement } from '../type-only.ts';
import type { RuleContext } from './rule-context.ts';

function specifierOf(node: AstNode, key = 'source'): string {
  const source = field(node, key);
  const value = source === null ? null : constantString(source);
  return value === null ? 'a computed specifier' : `'${value}'`;
}

export function checkNoImport(visit: Visit, ctx: RuleContext): void {
  const node = visit.node;
  switch (node.type) {
    case 'ImportDeclaration': {
      if (isTypeOnlyStatement(node, ctx.source)) return;
      const specifiers = list(node, 'specifiers');
      const values = specifiers.filter((s) => !isTypeOnlySpecifier(s, ctx.source));
      if (specifiers.length > 0 && values.length === 0) return;
      const used = !ctx.typescript || specifiers.length === 0 || values.some((s) => ctx.valueNames.has(identifierName(field(s, 'local')) ?? ''));
      if (used) ctx.report('no-import', 'error', node, `import of ${specifierOf(node)} is not allowed.`);
      return;
    }
    case 'ExportAllDeclaration':
      if (!isTypeOnlyStatement(node, ctx.source)) ctx.report('no-import', 'error', node, `re-export from ${specifierOf(node)} is not allowed.`);
      return;
    case 'ExportNamedDeclaration': {
      if (field(node, 'source') === null || isTypeOnlyStatement(node, ctx.source)) return;
      if (list(node, 'specifiers').some((s) => !isTypeOnlySpecifier(s, ctx.source))) {
        ctx.report('no-import', 'error', node, `re-export from ${specifierOf(node)} is not allowed.`);
      }
      return;
    }
    case 'ImportExpression':
      ctx.report('no-import', 'error', node, `dynamic import() of ${specifierOf(node)} is not allowed.`);
      return;
    case 'TSImportEqualsDeclaration': {
      if (isTypeOnlyStatement(node, ctx.source)) return;
      const ref = field(node, 'moduleReference');
      const what = ref?.type === 'TSExternalModuleReference' ? `import = require(${specifierOf(ref, 'expression')})` : '`import x = …` aliasing';
      ctx.report('no-import', 'error', node, `${what} is not allowed.`);
      return;
    }
    case 'CallExpression': {
      const callee = field(node, 'callee');
      if (callee?.type === 'Identifier' && text(callee, 'name') === 'require' && visit.scope.isGlobal('require')) {
        const arg = list(node, 'arguments')[0];
        const value = arg === undefined ? null : constantString(arg);
        ctx.report('no-import', 'error', node, `require(${value === null ? '…' : `'${value}'`}) is not allowed.`);
      }
      return;
    }
    case 'MetaProperty':
      if (identifierName(field(node, 'meta')) === 'import') {
        ctx.report('no-import', 'warning', node, '`import.meta` describes the module host; a service has no use for it.', 'Remove import.meta: ctx.self names this service.');
      }
      return;
  }
}
