// One lexical pass that bounds, from above, how deep a recursive-descent parser recurses on a source.
// oxc-parser overflows the native stack on deep nesting (a few thousand levels of `(`, `A<`, `class {`, …)
// and that SIGSEGV kills the whole process (oxc-project/oxc#24375), so no source reaches oxc unless this
// bound clears it. A bound over the limit, or any doubt while lexing, sends the source to the depth oracle.

/** `shallow`: safe for oxc; `deep`: the bound passed the limit at `index`; `unsure`: lexing was not sure at `index`. */
export type NestingVerdict = { kind: 'shallow' } | { kind: 'deep'; index: number } | { kind: 'unsure'; index: number };

/**
 * The bound's unit is one open bracket or one token that may open a construct without a bracket (`!`, `=`,
 * `?`, `=>`, `<`, `new`, `if`, a label, …). Measured on oxc-parser 0.159 (Node 20, 4 MiB worker stack, the
 * smallest we run on), the costliest unit takes about 1.4 KiB of native stack, so 1000 units stay under
 * 1.5 MiB.
 */
export const NESTING_BOUND_LIMIT = 1000;

interface Frame {
  /** Char code that closes it; TEMPLATE for a `${` substitution. */
  close: number;
  /** Openers since the last `,` or `;` of this frame (they end at the end of an expression). */
  expr: number;
  /** `<` since the last `;` (type arguments span commas). */
  angle: number;
  /** Statement openers and labels (an `if … else` chain spans `;`); only the frame's end closes them. */
  stmt: number;
  /** A `(` right after if/while/for/with: a `/` after its `)` starts a regular expression. */
  header: boolean;
}

const TEMPLATE = -1;
const REGEX_AFTER = 1;
const NO_OPERAND = 2;
const EXPR_WORD = 4;
const STMT_WORD = 8;
const HEADER_WORD = 16;
/**
 * Keyword → flags: REGEX_AFTER (a `/` after it starts a regular expression), NO_OPERAND (a `/` after it is
 * invalid either way, or `of`: either), EXPR_WORD / STMT_WORD (may open a construct), HEADER_WORD (its `(…)`
 * is a statement header).
 */
const KEYWORDS = new Map<string, number>();
function flag(words: string, bits: number): void {
  for (const w of words.split(' ')) KEYWORDS.set(w, (KEYWORDS.get(w) ?? 0) | bits);
}
flag('return typeof instanceof in new delete void throw case do else yield await extends', REGEX_AFTER);
flag('break catch class const continue debugger default enum export finally for function if import let static switch try var while with implements interface package private protected public of', NO_OPERAND);
flag('typeof void delete await new yield keyof infer readonly unique asserts is extends as satisfies function class async return throw case abstract declare enum namespace', EXPR_WORD);
flag('if else for while do with', STMT_WORD);
flag('if while for with', HEADER_WORD);

type Prev =
  | 'start' // start of the source: a regex may follow
  | 'operand' // identifier, literal, `)` of a call, `]`: a `/` divides
  | 'punct' // an operator or an opener: a regex may follow
  | 'word' // a keyword after which a regex may follow
  | 'unsure'; // `}`, `>`, `++`/`--`, postfix `!`, `of`: a `/` after it could be either

function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c === 92 || (c >= 0x80 && !isSpace(c));
}

function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c >= 0x80 && /\s/.test(String.fromCharCode(c));
}

function isLineEnd(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/** Lexes `source` once and returns whether its nesting bound stays within `limit`. Never throws. */
export function checkNesting(source: string, limit = NESTING_BOUND_LIMIT): NestingVerdict {
  const frames: Frame[] = [{ close: 0, expr: 0, angle: 0, stmt: 0, header: false }];
  let total = 1;
  let prev: Prev = 'start';
  let prevWord = '';
  let beforePrevWord = '';
  let afterDot = false;
  /** The last identifier stood where a statement starts: followed by `:` it is a label. */
  let identAtStatementStart = false;
  let statementStart = true;
  const n = source.length;
  let i = source.startsWith('#!') ? source.indexOf('\n') : 0;
  if (i < 0) i = n;

  const top = (): Frame => frames[frames.length - 1] as Frame;
  const bump = (field: 'expr' | 'angle' | 'stmt', by = 1): boolean => {
    top()[field] += by;
    total += by;
    return total > limit;
  };
  const push = (close: number, header: boolean): boolean => {
    frames.push({ close, expr: 0, angle: 0, stmt: 0, header });
    total += 1;
    return total > limit;
  };
  /** Scans template characters from `j` (just after a backtick or a `}` closing `${`); -1 when unterminated. */
  const scanTemplate = (j: number): { end: number; opensSubstitution: boolean } | null => {
    while (j < n) {
      const c = source.charCodeAt(j);
      if (c === 92) j += 2;
      else if (c === 96) return { end: j + 1, opensSubstitution: false };
      else if (c === 36 && source.charCodeAt(j + 1) === 123) return { end: j + 2, opensSubstitution: true };
      else j++;
    }
    return null;
  };

  while (i < n) {
    const c = source.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    // Comments first: a regular expression never starts with `/` or `*`.
    if (c === 47 && source.charCodeAt(i + 1) === 47) {
      while (i < n && !isLineEnd(source.charCodeAt(i))) i++;
      continue;
    }
    if (c === 47 && source.charCodeAt(i + 1) === 42) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) return { kind: 'unsure', index: start };
      i = end + 2;
      continue;
    }
    const wasStatementStart = statementStart;
    const lastWord = prevWord;
    statementStart = false;
    prevWord = '';
    if (c === 47) {
      const regex = prev === 'start' || prev === 'punct' || prev === 'word';
      if (prev === 'unsure') return { kind: 'unsure', index: start };
      if (regex) {
        let inClass = false;
        i++;
        for (;;) {
          if (i >= n) return { kind: 'unsure', index: start };
          const r = source.charCodeAt(i);
          if (isLineEnd(r)) return { kind: 'unsure', index: start };
          if (r === 92) {
            if (isLineEnd(source.charCodeAt(i + 1))) return { kind: 'unsure', index: start };
            i += 2;
          } else {
            if (r === 91) inClass = true;
            else if (r === 93) inClass = false;
            else if (r === 47 && !inClass) break;
            i++;
          }
        }
        i++;
        while (i < n && isIdentChar(source.charCodeAt(i))) i++;
        prev = 'operand';
      } else {
        i += source.charCodeAt(i + 1) === 61 ? 2 : 1;
        if (source.charCodeAt(start + 1) === 61 && bump('expr')) return { kind: 'deep', index: start };
        prev = 'punct';
      }
      afterDot = false;
      continue;
    }
    if (c === 39 || c === 34) {
      i++;
      for (;;) {
        if (i >= n) return { kind: 'unsure', index: start };
        const q = source.charCodeAt(i);
        if (q === 92) i += source.charCodeAt(i + 1) === 13 && source.charCodeAt(i + 2) === 10 ? 3 : 2;
        else if (q === c) break;
        else if (q === 10 || q === 13) return { kind: 'unsure', index: start };
        else i++;
      }
      i++;
      prev = 'operand';
      afterDot = false;
      continue;
    }
    if (c === 96) {
      const t = scanTemplate(i + 1);
      if (t === null) return { kind: 'unsure', index: start };
      i = t.end;
      if (t.opensSubstitution) {
        if (push(TEMPLATE, false)) return { kind: 'deep', index: start };
        prev = 'punct';
      } else prev = 'operand';
      afterDot = false;
      continue;
    }
    if (isIdentChar(c) && !(c >= 48 && c <= 57)) {
      while (i < n && isIdentChar(source.charCodeAt(i))) i += source.charCodeAt(i) === 92 ? 2 : 1;
      // Keywords are lowercase ASCII of 2 to 10 letters: only those are looked up.
      const len = i - start;
      const word = !afterDot && c >= 97 && len >= 2 && len <= 10 ? source.slice(start, i) : '';
      const bits = word === '' ? 0 : (KEYWORDS.get(word) ?? 0);
      beforePrevWord = lastWord;
      prevWord = afterDot ? '' : bits === 0 ? '-' : word;
      identAtStatementStart = wasStatementStart;
      prev = bits & REGEX_AFTER ? 'word' : bits & NO_OPERAND ? 'unsure' : 'operand';
      if (bits & EXPR_WORD && bump('expr')) return { kind: 'deep', index: start };
      if (bits & STMT_WORD) {
        if (bump('stmt')) return { kind: 'deep', index: start };
        if (word === 'else' || word === 'do') statementStart = true;
      }
      afterDot = false;
      continue;
    }
    if ((c >= 48 && c <= 57) || (c === 46 && (source.charCodeAt(i + 1) >= 48 && source.charCodeAt(i + 1) <= 57))) {
      while (i < n && (isIdentChar(source.charCodeAt(i)) || source.charCodeAt(i) === 46)) i++;
      prev = 'operand';
      afterDot = false;
      continue;
    }
    if (c === 35) {
      // `#name` (a private member) reads as an operand.
      i++;
      while (i < n && isIdentChar(source.charCodeAt(i))) i++;
      prev = 'operand';
      afterDot = false;
      continue;
    }
    // Brackets.
    if (c === 40 || c === 91 || c === 123) {
      const header = c === 40 && (((KEYWORDS.get(lastWord) ?? 0) & HEADER_WORD) !== 0 || (lastWord === 'await' && beforePrevWord === 'for'));
      if (push(c === 40 ? 41 : c === 91 ? 93 : 125, header)) return { kind: 'deep', index: start };
      i++;
      prev = 'punct';
      afterDot = false;
      statementStart = c === 123;
      continue;
    }
    if (c === 41 || c === 93 || c === 125) {
      const frame = top();
      if (frames.length === 1) return { kind: 'unsure', index: start };
      if (c === 125 && frame.close === TEMPLATE) {
        frames.pop();
        total -= 1 + frame.expr + frame.angle + frame.stmt;
        const t = scanTemplate(i + 1);
        if (t === null) return { kind: 'unsure', index: start };
        i = t.end;
        if (t.opensSubstitution) {
          if (push(TEMPLATE, false)) return { kind: 'deep', index: start };
          prev = 'punct';
        } else prev = 'operand';
        afterDot = false;
        continue;
      }
      if (frame.close !== c) return { kind: 'unsure', index: start };
      frames.pop();
      total -= 1 + frame.expr + frame.angle + frame.stmt;
      i++;
      prev = c === 125 ? 'unsure' : frame.header ? 'punct' : 'operand';
      afterDot = false;
      statementStart = c === 125 || frame.header;
      continue;
    }
    if (c === 59 || c === 44) {
      const frame = top();
      total -= frame.expr;
      frame.expr = 0;
      if (c === 59) {
        total -= frame.angle;
        frame.angle = 0;
        statementStart = true;
      }
      i++;
      prev = 'punct';
      afterDot = false;
      continue;
    }
    // Any other punctuator, longest match first.
    const operandBefore: boolean = prev === 'operand';
    const c1 = source.charCodeAt(i + 1);
    const c2 = source.charCodeAt(i + 2);
    let len = 1;
    let opens: 'expr' | 'angle' | null = null;
    let ambiguous = false;
    afterDot = false;
    switch (c) {
      case 61: // = == === =>
        len = c1 === 61 ? (c2 === 61 ? 3 : 2) : c1 === 62 ? 2 : 1;
        if (len === 1 || c1 === 62) opens = 'expr';
        break;
      case 33: // ! != !==
        len = c1 === 61 ? (c2 === 61 ? 3 : 2) : 1;
        if (len === 1) {
          opens = 'expr';
          ambiguous = operandBefore;
        }
        break;
      case 43: // + ++ +=
      case 45: // - -- -=
        len = c1 === c || c1 === 61 ? 2 : 1;
        if (len === 2 || !operandBefore) opens = 'expr';
        ambiguous = c1 === c;
        break;
      case 42: // * *= ** **=
        len = c1 === 42 ? (c2 === 61 ? 3 : 2) : c1 === 61 ? 2 : 1;
        if (len > 1) opens = 'expr';
        break;
      case 37: // % %=
      case 94: // ^ ^=
        len = c1 === 61 ? 2 : 1;
        if (len === 2) opens = 'expr';
        break;
      case 60: // < << <= <<=
        len = c1 === 60 ? (c2 === 61 ? 3 : 2) : c1 === 61 ? 2 : 1;
        opens = 'angle';
        break;
      case 62: // > >> >>> >= >>= >>>=
        if (c1 === 62) len = c2 === 62 ? (source.charCodeAt(i + 3) === 61 ? 4 : 3) : c2 === 61 ? 3 : 2;
        else len = c1 === 61 ? 2 : 1;
        if (len > 2 && source.charCodeAt(i + len - 1) === 61) opens = 'expr';
        ambiguous = source.charCodeAt(i + len - 1) === 62;
        break;
      case 38: // & && &= &&=
      case 124: // | || |= ||=
        len = c1 === c ? (c2 === 61 ? 3 : 2) : c1 === 61 ? 2 : 1;
        if (len !== 2 || c1 === 61) opens = 'expr';
        break;
      case 63: // ? ?? ??= ?.
        if (c1 === 63) len = c2 === 61 ? 3 : 2;
        else if (c1 === 46 && !(c2 >= 48 && c2 <= 57)) {
          len = 2;
          afterDot = true;
        }
        if (len === 1 || len === 3) opens = 'expr';
        break;
      case 46: // . ...
        if (c1 === 46 && c2 === 46) {
          len = 3;
          opens = 'expr';
        } else afterDot = true;
        break;
      case 58: // `:` of a label, or of a type, a ternary, a property
        if (operandBefore && identAtStatementStart && lastWord !== '') {
          if (bump('stmt')) return { kind: 'deep', index: start };
          statementStart = true;
        } else opens = 'expr';
        break;
      case 126: // ~
      case 64: // @
        opens = 'expr';
        break;
    }
    i += len;
    if (opens !== null && bump(opens, opens === 'angle' && c1 === 60 ? 2 : 1)) return { kind: 'deep', index: start };
    // After `>`, `++`, `--` or a postfix `!`, a `/` could divide or start a regular expression: the lexer cannot tell.
    prev = ambiguous ? 'unsure' : 'punct';
    identAtStatementStart = false;
  }
  if (frames.length !== 1) return { kind: 'unsure', index: n };
  return { kind: 'shallow' };
}
