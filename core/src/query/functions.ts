import { compareValues, isPlainObject, jsonEquals } from './values';

/** A scalar function of the query language, with a fixed number of arguments. */
export type QueryFunction =
  | { readonly arity: 1; readonly apply: (a: unknown) => unknown }
  | { readonly arity: 2; readonly apply: (a: unknown, b: unknown) => unknown };

const unary = (apply: (a: unknown) => unknown): QueryFunction => ({ arity: 1, apply });
const binary = (apply: (a: unknown, b: unknown) => unknown): QueryFunction => ({ arity: 2, apply });

/** Applies `f` when both arguments are strings; any other argument gives undefined. */
const onStrings = (f: (s: string, t: string) => unknown) =>
  binary((a, b) => (typeof a === 'string' && typeof b === 'string' ? f(a, b) : undefined));

/** Applies `f` when the argument is a string; any other argument gives undefined. */
const onString = (f: (s: string) => unknown) => unary((a) => (typeof a === 'string' ? f(a) : undefined));

/** True when `needle` equals an element: primitives by the comparison rule, objects and arrays deeply. */
function arrayContains(arr: unknown, needle: unknown): boolean | undefined {
  if (!Array.isArray(arr) || needle === undefined) return undefined;
  if (typeof needle === 'object' && needle !== null) return arr.some((v) => jsonEquals(v, needle));
  return arr.some((v) => compareValues(v, needle) === 0);
}

/**
 * The function table, keyed by upper-case name. IS_DEFINED is documented for twins; STARTSWITH and
 * ENDSWITH are observed on Azure; all others are [LOCAL] extensions (message-routing or Cosmos-DB
 * functions) that may not run on Azure. The type checks never give undefined for a missing value:
 * `IS_STRING(missing)` is false, so `NOT IS_STRING(x)` selects twins without `x`.
 */
export const QUERY_FUNCTIONS: ReadonlyMap<string, QueryFunction> = new Map<string, QueryFunction>([
  ['IS_DEFINED', unary((a) => a !== undefined)],
  ['STARTSWITH', onStrings((s, p) => s.startsWith(p))],
  ['ENDSWITH', onStrings((s, p) => s.endsWith(p))],
  ['CONTAINS', onStrings((s, p) => s.includes(p))],
  ['IS_NULL', unary((a) => a === null)],
  ['IS_BOOL', unary((a) => typeof a === 'boolean')],
  ['IS_NUMBER', unary((a) => typeof a === 'number')],
  ['IS_STRING', unary((a) => typeof a === 'string')],
  ['IS_OBJECT', unary(isPlainObject)],
  ['IS_ARRAY', unary(Array.isArray)],
  ['IS_PRIMITIVE', unary((a) => a === null || ['boolean', 'number', 'string'].includes(typeof a))],
  ['LOWER', onString((s) => s.toLowerCase())],
  ['UPPER', onString((s) => s.toUpperCase())],
  // Why: LENGTH counts UTF-16 code units like the routing function; arrays are not counted (undefined).
  ['LENGTH', onString((s) => s.length)],
  ['ARRAY_CONTAINS', binary(arrayContains)],
]);

/** Aggregate names; they are allowed only in the SELECT list. */
export const AGGREGATE_NAMES: ReadonlySet<string> = new Set(['COUNT', 'AVG', 'SUM', 'MIN', 'MAX']);
