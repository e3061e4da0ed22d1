import type { BinaryExpr, Expr } from './ast';
import { QUERY_FUNCTIONS } from './functions';
import { childOf, compareValues } from './values';

/** A compiled expression: evaluates to a JSON value, or undefined when the result is undefined. */
export type Evaluator = (doc: Record<string, unknown>) => unknown;

/**
 * Compiles an expression once into a tree of closures, so evaluating a row walks no AST, re-parses
 * nothing and allocates nothing (path segments are captured, not rebuilt per row).
 */
export function compileExpr(expr: Expr): Evaluator {
  switch (expr.kind) {
    case 'const': {
      const value = expr.value;
      return () => value;
    }
    case 'path':
      return compilePath(expr.segments);
    case 'unary': {
      const operand = compileExpr(expr.operand);
      if (expr.op === 'NOT') {
        // Why: NOT of anything but a Boolean is undefined, so `NOT (tags.x = 1)` skips twins without x.
        return (doc) => {
          const v = operand(doc);
          return typeof v === 'boolean' ? !v : undefined;
        };
      }
      return (doc) => {
        const v = operand(doc);
        return typeof v === 'number' ? -v : undefined;
      };
    }
    case 'binary':
      return compileBinary(expr);
    case 'in':
      return compileIn(compileExpr(expr.operand), expr.values, expr.negated);
    case 'call':
      return compileCall(expr.name, expr.args.map(compileExpr));
  }
}

/** Resolves a canonical path on a document; a missing key, a non-object or an array step gives undefined. */
export function compilePath(segments: readonly string[]): Evaluator {
  const [a, b, c] = segments;
  // Why: short paths (the common `tags.x`, `properties.reported.x`) get unrolled closures with no loop.
  if (segments.length === 1 && a !== undefined) return (doc) => childOf(doc, a);
  if (segments.length === 2 && a !== undefined && b !== undefined) {
    return (doc) => childOf(childOf(doc, a), b);
  }
  if (segments.length === 3 && a !== undefined && b !== undefined && c !== undefined) {
    return (doc) => childOf(childOf(childOf(doc, a), b), c);
  }
  const segs = [...segments];
  return (doc) => {
    let cur: unknown = doc;
    for (const seg of segs) {
      cur = childOf(cur, seg);
      if (cur === undefined) return undefined;
    }
    return cur;
  };
}

function compileBinary(expr: BinaryExpr): Evaluator {
  const l = compileExpr(expr.left);
  const r = compileExpr(expr.right);
  switch (expr.op) {
    case 'AND':
      // Why: three-valued logic (§3): false wins, true needs two trues, everything else is undefined.
      return (doc) => {
        const a = l(doc);
        if (a === false) return false;
        const b = r(doc);
        if (b === false) return false;
        return a === true && b === true ? true : undefined;
      };
    case 'OR':
      return (doc) => {
        const a = l(doc);
        if (a === true) return true;
        const b = r(doc);
        if (b === true) return true;
        return a === false && b === false ? false : undefined;
      };
    case '=':
      return compareWith(l, r, (c) => c === 0);
    case '!=':
      return compareWith(l, r, (c) => c !== 0);
    case '<':
      return compareWith(l, r, (c) => c < 0);
    case '>':
      return compareWith(l, r, (c) => c > 0);
    case '<=':
      return compareWith(l, r, (c) => c <= 0);
    case '>=':
      return compareWith(l, r, (c) => c >= 0);
    default:
      return compileArithmetic(expr.op, l, r);
  }
}

function compareWith(l: Evaluator, r: Evaluator, test: (c: number) => boolean): Evaluator {
  return (doc) => {
    const c = compareValues(l(doc), r(doc));
    return c === undefined ? undefined : test(c);
  };
}

function compileArithmetic(op: '+' | '-' | '*' | '/' | '%', l: Evaluator, r: Evaluator): Evaluator {
  const apply = ARITHMETIC[op];
  return (doc) => {
    const a = l(doc);
    const b = r(doc);
    if (typeof a !== 'number' || typeof b !== 'number') return undefined;
    const v = apply(a, b);
    // Why [LOCAL]: division by zero and overflow have no JSON value, so they are undefined, not errors.
    return Number.isFinite(v) ? v : undefined;
  };
}

const ARITHMETIC: Readonly<Record<'+' | '-' | '*' | '/' | '%', (a: number, b: number) => number>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};

/** `x IN [c1, c2]` is `x = c1 OR x = c2` under three-valued logic; `NIN` is `NOT IN`. */
function compileIn(operand: Evaluator, values: readonly unknown[], negated: boolean): Evaluator {
  const list = [...values];
  return (doc) => {
    const v = operand(doc);
    if (v === undefined) return undefined;
    let unknown = false;
    for (const c of list) {
      const cmp = compareValues(v, c);
      if (cmp === 0) return !negated;
      if (cmp === undefined) unknown = true;
    }
    return unknown ? undefined : negated;
  };
}

function compileCall(name: string, args: Evaluator[]): Evaluator {
  const fn = QUERY_FUNCTIONS.get(name);
  const [a, b] = args;
  // The parser only builds calls of known functions with the right arity; this guards the invariant.
  if (fn === undefined || a === undefined) throw new Error(`query function ${name} is not compiled`);
  if (fn.arity === 1) {
    const apply = fn.apply;
    return (doc) => apply(a(doc));
  }
  if (b === undefined) throw new Error(`query function ${name} is not compiled`);
  const apply = fn.apply;
  return (doc) => apply(a(doc), b(doc));
}
