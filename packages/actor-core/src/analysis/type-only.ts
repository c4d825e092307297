// TypeScript syntax without run-time code, read from the source text: the parse runs with oxc's plain
// JavaScript AST (astType 'js', markedly faster to hand over to JavaScript), which keeps every TypeScript
// node with run-time code but drops the `declare`, `importKind` and `exportKind` flags.
import { flag, text, type AstNode } from './ast.ts';

/** Declarations whose first token is `declare` when they are ambient (no run-time code). */
const DECLARABLE = new Set(['VariableDeclaration', 'ClassDeclaration', 'FunctionDeclaration', 'TSModuleDeclaration', 'TSEnumDeclaration']);

function startsWithWord(source: string, at: number, word: string): boolean {
  if (!source.startsWith(word, at)) return false;
  const next = source.charCodeAt(at + word.length);
  return !((next >= 97 && next <= 122) || (next >= 65 && next <= 90) || (next >= 48 && next <= 57) || next === 95 || next === 36 || next > 127);
}

/** True for `declare const x`, `declare class C`, `declare namespace N`, …: TypeScript erases them. */
export function isAmbient(node: AstNode, source: string): boolean {
  return flag(node, 'declare') || (DECLARABLE.has(node.type) && startsWithWord(source, node.start, 'declare'));
}

/** True for `import type …` and `export type … from` / `export type { … }` / `export type * from`. */
export function isTypeOnlyStatement(node: AstNode, source: string): boolean {
  if (text(node, 'importKind') === 'type' || text(node, 'exportKind') === 'type') return true;
  return /^(?:import|export)\s+type\s*[{*]/.test(source.slice(node.start, node.start + 40)) || /^import\s+type\s+[\w$]+\s+from\b/.test(source.slice(node.start, node.start + 200));
}

/** True for the specifier `type X` in `import { type X }` / `export { type X }`. */
export function isTypeOnlySpecifier(node: AstNode, source: string): boolean {
  if (text(node, 'importKind') === 'type' || text(node, 'exportKind') === 'type') return true;
  return /^type\s+(?!as\s)[\w$\p{L}]/u.test(source.slice(node.start, node.start + 40));
}
