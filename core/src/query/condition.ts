import type { Expr } from './ast';
import { compileExpr } from './compile';
import { ExpressionParser } from './expression-parser';
import { resolvePath } from './fields';
import { tokenize } from './lexer';
import { checkLength } from './parse-query';
import { TokenStream } from './token-stream';

/** A parsed WHERE body (job queryCondition, configuration targetCondition), compiled once. */
export interface Condition {
  /** The condition text as received. */
  readonly text: string;
  /** The expression; absent for `*`, which matches every twin. */
  readonly expr?: Expr;
  /** The compiled predicate: true only when the condition evaluates to Boolean true. */
  readonly test: (doc: Record<string, unknown>) => boolean;
}

const matchAll = () => true;

/** Parses a bare WHERE body (job queryCondition, configuration targetCondition); "*" means all. */
export function parseCondition(text: string): Condition {
  checkLength(text, 'Condition');
  // Why: the SDKs and the portal send `*` for "every device"; surrounding blanks are tolerated.
  if (text.trim() === '*') return { text, test: matchAll };
  const ts = new TokenStream(tokenize(text));
  // Conditions run over device twins, so paths follow the twin rules of the devices collection.
  const expr = new ExpressionParser(ts, text, (raw) => resolvePath(raw, 'devices')).parseExpr();
  if (ts.peek().kind !== 'eof') throw ts.fail('AND, OR or the end of the condition');
  return { text, expr, test: toPredicate(compileExpr(expr)) };
}

/** True when the condition evaluates to Boolean true on the document (three-valued logic). */
export function matchesCondition(cond: Condition, doc: Record<string, unknown>): boolean {
  return cond.test(doc);
}

/** Wraps an evaluator so only Boolean true passes (null, undefined, strings and objects do not). */
export function toPredicate(evaluate: (doc: Record<string, unknown>) => unknown) {
  return (doc: Record<string, unknown>): boolean => evaluate(doc) === true;
}
