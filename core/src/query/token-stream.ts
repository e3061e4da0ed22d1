import type { Token } from './lexer';
import { syntaxError } from './query-error';

/** Reserved words; matched case-insensitively. They cannot start a path (use `[[…]]`). */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'SELECT',
  'TOP',
  'FROM',
  'WHERE',
  'GROUP',
  'BY',
  'AS',
  'AND',
  'OR',
  'NOT',
  'IN',
  'NIN',
  'TRUE',
  'FALSE',
  'NULL',
  'UNDEFINED',
]);

/** A cursor over the tokens of one query, with the error helpers of the parser. */
export class TokenStream {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  /** The current token (the end token once input is used up). */
  peek(ahead = 0): Token {
    const last = this.tokens[this.tokens.length - 1];
    const tok = this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] ?? last;
    if (tok === undefined) throw new Error('token stream without an end token');
    return tok;
  }

  /** Returns the current token and moves past it. */
  next(): Token {
    const tok = this.peek();
    if (tok.kind !== 'eof') this.index++;
    return tok;
  }

  /** True when the current token is the keyword `kw` (upper case). */
  atKeyword(kw: string, ahead = 0): boolean {
    const tok = this.peek(ahead);
    return tok.kind === 'word' && tok.text.toUpperCase() === kw;
  }

  /** True when the current token is the operator `op`. */
  atOp(op: string): boolean {
    const tok = this.peek();
    return tok.kind === 'op' && tok.text === op;
  }

  /** Consumes the keyword `kw` when present. */
  acceptKeyword(kw: string): boolean {
    if (!this.atKeyword(kw)) return false;
    this.index++;
    return true;
  }

  /** Consumes the operator `op` when present. */
  acceptOp(op: string): boolean {
    if (!this.atOp(op)) return false;
    this.index++;
    return true;
  }

  /** Consumes the keyword `kw` or throws a syntax error. */
  expectKeyword(kw: string): Token {
    if (!this.atKeyword(kw)) throw this.fail(kw);
    return this.next();
  }

  /** Consumes the operator `op` or throws a syntax error. */
  expectOp(op: string): Token {
    if (!this.atOp(op)) throw this.fail(`'${op}'`);
    return this.next();
  }

  /**
   * A syntax error at the current token. At the end of the query the error quotes the last token read,
   * so `SELECT * FROM devices WHERE` reports position 27 near 'WHERE'.
   */
  fail(expected: string): Error {
    const tok = this.peek();
    const prev = this.index > 0 ? this.tokens[this.index - 1] : undefined;
    const near = tok.kind === 'eof' ? (prev?.text ?? '') : tok.text;
    return syntaxError(tok.pos, near, expected);
  }
}
