/**
 * RFC 4180 CSV: comma-separated, `"` quotes a field (`""` inside is one quote), CRLF or LF rows.
 * Cells of the fleet import/export hold JSON literals or plain text (see import-rows.ts).
 */
import { HubError } from '../errors';

/** Parses CSV text into rows of cells; a blank trailing line is dropped. Throws INVALID_FORMAT on a stray quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quoted = false;
  let line = 1;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      i++;
      continue;
    }
    if (ch === '"') {
      if (cell !== '')
        throw new HubError('INVALID_FORMAT', `CSV line ${line}: a quote inside an unquoted cell.`);
      quoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
    } else cell += ch;
    i++;
  }
  if (quoted) throw new HubError('INVALID_FORMAT', `CSV line ${line}: a quoted cell is not closed.`);
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** One CSV cell: quoted when it holds a comma, quote, CR or LF. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (CRLF-terminated) of the given cells. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
