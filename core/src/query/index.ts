/**
 * The IoT Hub query language (docs/query-language.md): parse once, run over in-memory rows in
 * canonical order, page with opaque continuations. Pure: no I/O, no clock.
 */
export type {
  AggregateItem,
  AggregateName,
  ArithmeticOp,
  BinaryExpr,
  CallExpr,
  Collection,
  CompareOp,
  ConstExpr,
  Expr,
  InExpr,
  ParsedQuery,
  PathExpr,
  PathItem,
  SelectItem,
  Span,
  UnaryExpr,
} from './ast';
export { type Condition, matchesCondition, parseCondition } from './condition';
export { MAX_QUERY_LENGTH, parseQuery } from './parse-query';
export {
  clampPageSize,
  MAX_PAGE_SIZE,
  type QueryPage,
  type QuerySource,
  type RunQueryOptions,
  runQuery,
} from './run-query';
export { isAggregateQuery, selectsAll } from './validate-query';
