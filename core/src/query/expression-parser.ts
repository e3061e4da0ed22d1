import type { ArithmeticOp, CompareOp, Expr, PathExpr } from './ast';
import type { RawPath } from './fields';
import { AGGREGATE_NAMES, QUERY_FUNCTIONS } from './functions';
import type { Token } from './lexer';
import { invalidAt } from './query-error';
import { KEYWORDS, type TokenStream } from './token-stream';

/** Turns a path as written into the canonical path of the collection being queried. */
export type PathResolver = (raw: RawPath) => PathExpr;

const COMPARE_OPS: Readonly<Record<string, CompareOp>> = {
  '=': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
};

const CONSTANT_WORDS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ['TRUE', true],
  ['FALSE', false],
  ['NULL', null],
  ['UNDEFINED', undefined],
]);

/** Recursive-descent parser for the expression grammar of query-language.md §2. */
export class ExpressionParser {
  constructor(
    private readonly ts: TokenStream,
    private readonly text: string,
    private readonly resolve: PathResolver,
  ) {}

  /** expr = and_expr { "OR" and_expr } */
  parseExpr(): Expr {
    let left = this.parseAnd();
    while (this.ts.acceptKeyword('OR')) {
      const right = this.parseAnd();
      left = { kind: 'binary', op: 'OR', left, right, pos: left.pos, end: right.end };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.ts.acceptKeyword('AND')) {
      const right = this.parseNot();
      left = { kind: 'binary', op: 'AND', left, right, pos: left.pos, end: right.end };
    }
    return left;
  }

  private parseNot(): Expr {
    const tok = this.ts.peek();
    if (!this.ts.acceptKeyword('NOT')) return this.parseCompare();
    const operand = this.parseNot();
    return { kind: 'unary', op: 'NOT', operand, pos: tok.pos, end: operand.end };
  }

  private parseCompare(): Expr {
    const left = this.parseAdditive();
    const tok = this.ts.peek();
    const op = tok.kind === 'op' ? COMPARE_OPS[tok.text] : undefined;
    if (op !== undefined) {
      this.ts.next();
      const right = this.parseAdditive();
      return { kind: 'binary', op, left, right, pos: left.pos, end: right.end };
    }
    if (this.ts.atKeyword('IN') || this.ts.atKeyword('NIN')) {
      const negated = this.ts.next().text.toUpperCase() === 'NIN';
      if (!this.ts.atOp('[')) throw this.ts.fail(`a list of constants after ${negated ? 'NIN' : 'IN'}`);
      const list = this.parseArrayConst();
      return { kind: 'in', negated, operand: left, values: list.values, pos: left.pos, end: list.end };
    }
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseTerm();
    while (this.ts.atOp('+') || this.ts.atOp('-')) {
      const op = this.ts.next().text as ArithmeticOp;
      const right = this.parseTerm();
      left = { kind: 'binary', op, left, right, pos: left.pos, end: right.end };
    }
    return left;
  }

  private parseTerm(): Expr {
    let left = this.parseUnary();
    while (this.ts.atOp('*') || this.ts.atOp('/') || this.ts.atOp('%')) {
      const op = this.ts.next().text as ArithmeticOp;
      const right = this.parseUnary();
      left = { kind: 'binary', op, left, right, pos: left.pos, end: right.end };
    }
    return left;
  }

  private parseUnary(): Expr {
    const tok = this.ts.peek();
    if (!this.ts.acceptOp('-')) return this.parsePrimary();
    const operand = this.parseUnary();
    return { kind: 'unary', op: '-', operand, pos: tok.pos, end: operand.end };
  }

  private parsePrimary(): Expr {
    const tok = this.ts.peek();
    if (tok.kind === 'number' || tok.kind === 'string') {
      this.ts.next();
      return { kind: 'const', value: tok.value, pos: tok.pos, end: tok.end };
    }
    if (tok.kind === 'op' && tok.text === '[') {
      const list = this.parseArrayConst();
      return { kind: 'const', value: list.values, pos: tok.pos, end: list.end };
    }
    if (tok.kind === 'op' && tok.text === '(') {
      this.ts.next();
      const inner = this.parseExpr();
      this.ts.expectOp(')');
      return inner;
    }
    if (tok.kind === 'word') {
      const upper = tok.text.toUpperCase();
      if (CONSTANT_WORDS.has(upper)) {
        this.ts.next();
        return { kind: 'const', value: CONSTANT_WORDS.get(upper), pos: tok.pos, end: tok.end };
      }
      if (this.ts.peek(1).kind === 'op' && this.ts.peek(1).text === '(') return this.parseCall();
    }
    if (this.atPathStart()) return this.resolve(this.parseRawPath());
    throw this.ts.fail('an expression');
  }

  private parseCall(): Expr {
    const nameTok = this.ts.next();
    const name = nameTok.text.toUpperCase();
    if (AGGREGATE_NAMES.has(name)) {
      throw invalidAt(nameTok.pos, nameTok.text, `the aggregate ${name} is allowed only in the SELECT list`);
    }
    const fn = QUERY_FUNCTIONS.get(name);
    if (fn === undefined) throw invalidAt(nameTok.pos, nameTok.text, `unknown function ${name}`);
    this.ts.expectOp('(');
    const args: Expr[] = [];
    if (!this.ts.atOp(')')) {
      do args.push(this.parseExpr());
      while (this.ts.acceptOp(','));
    }
    const close = this.ts.expectOp(')');
    if (args.length !== fn.arity) {
      const plural = fn.arity === 1 ? 'argument' : 'arguments';
      throw invalidAt(nameTok.pos, nameTok.text, `${name} takes ${fn.arity} ${plural}, got ${args.length}`);
    }
    return { kind: 'call', name, args, pos: nameTok.pos, end: close.end };
  }

  /** True when the current token can start a path: a non-keyword word or a `[[…]]` name. */
  atPathStart(): boolean {
    const tok = this.ts.peek();
    return tok.kind === 'escaped' || (tok.kind === 'word' && !KEYWORDS.has(tok.text.toUpperCase()));
  }

  /** path = segment { "." segment }; the first segment is a non-keyword word or a `[[…]]` name. */
  parseRawPath(): RawPath {
    const first = this.ts.next();
    const segments = [this.segmentName(first)];
    let end = first.end;
    while (this.ts.atOp('.')) {
      this.ts.next();
      const tok = this.ts.peek();
      if (tok.kind !== 'word' && tok.kind !== 'escaped') throw this.ts.fail("a property name after '.'");
      // Why: the docs reserve `group` inside paths (tags.[[group]]); other words are fine after a dot.
      if (tok.kind === 'word' && tok.text.toUpperCase() === 'GROUP') {
        throw invalidAt(tok.pos, tok.text, `'group' is reserved in paths, write [[group]]`);
      }
      this.ts.next();
      segments.push(this.segmentName(tok));
      end = tok.end;
    }
    return { segments, pos: first.pos, end, text: this.text.slice(first.pos, end) };
  }

  private segmentName(tok: Token): string {
    if (tok.kind === 'escaped') return String(tok.value);
    if (tok.kind === 'word') return tok.text;
    throw invalidAt(tok.pos, tok.text, 'expected a property name');
  }

  /** array_const = "[" [ constant { "," constant } ] "]"; a leading `-` on numbers is allowed. */
  parseArrayConst(): { values: unknown[]; end: number } {
    this.ts.expectOp('[');
    const values: unknown[] = [];
    if (!this.ts.atOp(']')) {
      do values.push(this.parseConstant());
      while (this.ts.acceptOp(','));
    }
    return { values, end: this.ts.expectOp(']').end };
  }

  private parseConstant(): unknown {
    const tok = this.ts.peek();
    if (tok.kind === 'string' || tok.kind === 'number') return this.ts.next().value;
    if (tok.kind === 'op' && tok.text === '-' && this.ts.peek(1).kind === 'number') {
      this.ts.next();
      return -Number(this.ts.next().value);
    }
    if (tok.kind === 'op' && tok.text === '[') return this.parseArrayConst().values;
    const upper = tok.kind === 'word' ? tok.text.toUpperCase() : '';
    if (CONSTANT_WORDS.has(upper)) {
      this.ts.next();
      return CONSTANT_WORDS.get(upper);
    }
    throw this.ts.fail('a constant');
  }
}
