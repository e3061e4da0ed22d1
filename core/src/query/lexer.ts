import { queryError, snippet, syntaxError } from './query-error';

/** Token kinds: a bare word (identifier or keyword), a `[[…]]` name, a string, a number, an operator, the end. */
export type TokenKind = 'word' | 'escaped' | 'string' | 'number' | 'op' | 'eof';

/** One token; `text` is the raw source slice, `value` the decoded string or number. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly value: string | number;
  readonly pos: number;
  readonly end: number;
}

// Why: longest match first, so `<=` is not read as `<` then `=`.
const OPERATORS = [
  '!=',
  '<>',
  '<=',
  '>=',
  '*',
  ',',
  '(',
  ')',
  '[',
  ']',
  '.',
  '=',
  '<',
  '>',
  '+',
  '-',
  '/',
  '%',
];

const IDENT_START = /[\p{L}_$]/u;
const IDENT_PART = /[\p{L}\p{N}_$]/u;
const DECIMAL = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const HEX = /0[xX][0-9a-fA-F]+/y;

/** Splits query text into tokens; throws INVALID_QUERY with the position of the first bad character. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      i++;
      continue;
    }
    const token = readToken(text, i, ch);
    tokens.push(token);
    i = token.end;
  }
  tokens.push({ kind: 'eof', text: '', value: '', pos: text.length, end: text.length });
  return tokens;
}

function readToken(text: string, start: number, ch: string): Token {
  if (ch === '[' && text[start + 1] === '[') return readEscaped(text, start);
  if (ch === "'" || ch === '"') return readString(text, start, ch);
  if (isDigit(ch) || (ch === '.' && isDigit(text[start + 1]))) return readNumber(text, start);
  if (IDENT_START.test(ch)) {
    let end = start + 1;
    while (end < text.length && IDENT_PART.test(text[end] ?? '')) end++;
    const word = text.slice(start, end);
    return { kind: 'word', text: word, value: word, pos: start, end };
  }
  for (const op of OPERATORS) {
    if (text.startsWith(op, start)) {
      return { kind: 'op', text: op, value: op, pos: start, end: start + op.length };
    }
  }
  throw queryError(
    `Syntax error at position ${start}: unexpected character ${describeChar(text, start)}`,
    start,
  );
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function describeChar(text: string, pos: number): string {
  const code = text.codePointAt(pos) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  // Why: `;` must never reach the wire message, and control characters are unreadable.
  return code === 0x3b || code < 0x20 || code === 0x7f ? hex : `'${String.fromCodePoint(code)}' (${hex})`;
}

function readEscaped(text: string, start: number): Token {
  const close = text.indexOf(']]', start + 2);
  if (close < 0) throw syntaxError(start, text.slice(start), "']]' to close the escaped name");
  const name = text.slice(start + 2, close);
  if (name.length === 0) throw syntaxError(start, '[[]]', 'a name between [[ and ]]');
  return { kind: 'escaped', text: text.slice(start, close + 2), value: name, pos: start, end: close + 2 };
}

function readNumber(text: string, start: number): Token {
  HEX.lastIndex = start;
  const hex = HEX.exec(text);
  let end: number;
  let value: number;
  if (hex) {
    end = start + hex[0].length;
    value = Number.parseInt(hex[0].slice(2), 16);
  } else {
    DECIMAL.lastIndex = start;
    const dec = DECIMAL.exec(text);
    const raw = dec?.[0] ?? '';
    end = start + raw.length;
    value = Number(raw);
  }
  // Why: `12abc` or `1.2.3` is almost always a typo; reading it as `12` then `abc` would hide it.
  const next = text[end];
  if (next !== undefined && (IDENT_PART.test(next) || next === '.')) {
    throw syntaxError(start, text.slice(start, end + 1), 'a number');
  }
  if (!Number.isFinite(value)) throw syntaxError(start, text.slice(start, end), 'a finite number');
  return { kind: 'number', text: text.slice(start, end), value, pos: start, end };
}

function readString(text: string, start: number, quote: string): Token {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (ch === quote) {
      return { kind: 'string', text: text.slice(start, i + 1), value: out, pos: start, end: i + 1 };
    }
    if (ch !== '\\') {
      out += ch;
      i++;
      continue;
    }
    const esc = text[i + 1];
    if (esc === "'" || esc === '"' || esc === '\\') {
      out += esc;
      i += 2;
    } else if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      out += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
      i += 6;
    } else {
      // Why: the grammar lists only \' \" \\ and \uXXXX; guessing at others (\n?) would diverge from Azure.
      throw queryError(
        `Syntax error at position ${i} near '${snippet(text.slice(i, i + 6))}': unsupported escape in string`,
        i,
      );
    }
  }
  throw syntaxError(start, text.slice(start), `a closing ${quote} for the string`);
}
