/** The collections a query can read. */
export type Collection = 'devices' | 'devices.modules' | 'devices.jobs';

/** Comparison operators; `<>` is parsed as `!=`. */
export type CompareOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

/** Arithmetic operators. */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

/** Aggregate functions of the SELECT list. */
export type AggregateName = 'COUNT' | 'AVG' | 'SUM' | 'MIN' | 'MAX';

/** Where a node came from: `pos`..`end` are 0-based character offsets into the query text. */
export interface Span {
  readonly pos: number;
  readonly end: number;
}

/** A property path, already canonical: top-level field names in canonical case, job prefix removed. */
export interface PathExpr extends Span {
  readonly kind: 'path';
  readonly segments: readonly string[];
}

/** A literal; `undefined` is the keyword of that name. */
export interface ConstExpr extends Span {
  readonly kind: 'const';
  readonly value: unknown;
}

/** `NOT x` or `-x`. */
export interface UnaryExpr extends Span {
  readonly kind: 'unary';
  readonly op: 'NOT' | '-';
  readonly operand: Expr;
}

/** A binary operator: logic, comparison or arithmetic. */
export interface BinaryExpr extends Span {
  readonly kind: 'binary';
  readonly op: 'AND' | 'OR' | CompareOp | ArithmeticOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** `x IN [..]` or, when `negated`, `x NIN [..]`. */
export interface InExpr extends Span {
  readonly kind: 'in';
  readonly negated: boolean;
  readonly operand: Expr;
  readonly values: readonly unknown[];
}

/** A scalar function call; `name` is upper case and known to the function table. */
export interface CallExpr extends Span {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
}

/** Any expression of a WHERE clause or condition. */
export type Expr = PathExpr | ConstExpr | UnaryExpr | BinaryExpr | InExpr | CallExpr;

/** A path item of the SELECT list; `name` is the output key (alias or last segment). */
export interface PathItem extends Span {
  readonly kind: 'path';
  readonly path: PathExpr;
  readonly name: string;
}

/** An aggregate item of the SELECT list; `path` is absent only for COUNT(). */
export interface AggregateItem extends Span {
  readonly kind: 'aggregate';
  readonly fn: AggregateName;
  readonly path?: PathExpr;
  readonly name: string;
}

/** One item of the SELECT list. */
export type SelectItem = PathItem | AggregateItem;

/** A parsed and validated query; plain data, safe to keep and reuse across pages. */
export interface ParsedQuery {
  /** The query text exactly as received; continuations are bound to it. */
  readonly text: string;
  readonly collection: Collection;
  readonly top?: number;
  /** `'*'` for the whole document, else the projection items in order. */
  readonly select: '*' | readonly SelectItem[];
  readonly where?: Expr;
  readonly groupBy?: PathExpr;
}
