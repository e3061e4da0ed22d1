import {
  cellText,
  cellValue,
  csvLine,
  isHubError,
  parseCsv,
  parseImportCsv,
  parseImportJson,
} from '@outpost/core';
import { describe, expect, it } from 'vitest';

describe('fleet CSV', () => {
  it('parses quotes, doubled quotes, embedded newlines, CRLF and a BOM', () => {
    expect(parseCsv('\ufeffa,b\r\n"x, ""y""","1\n2"\n')).toEqual([
      ['a', 'b'],
      ['x, "y"', '1\n2'],
    ]);
    expect(() => parseCsv('a\n"open')).toThrow(/not closed/);
  });

  it('writes cells that read back as the same values', () => {
    for (const value of ['plain', '007', 'true', '', 'a,"b"\nc', 7, false, null, { a: [1] }]) {
      const [[cell]] = parseCsv(csvLine([cellText(value)])) as [[string]];
      expect(cellValue(cell)).toEqual(value);
    }
  });

  it('builds rows from the header, failing only the malformed ones', () => {
    const rows = parseImportCsv(
      'deviceId,tags.a.b,desired.n,reported.x,primaryKey\nd1,x,5,ignored,\nd2,1\n,1,2,3,\n',
    );
    expect(rows[0]).toEqual({ row: 1, deviceId: 'd1', tags: { a: { b: 'x' } }, desired: { n: 5 } });
    expect(rows[1]?.error).toMatch(/2 cells/);
    expect(rows[2]?.error).toMatch(/deviceId/);
    const bad = (() => {
      try {
        parseImportCsv('deviceId,color\nx,y\n');
      } catch (err) {
        return err;
      }
    })();
    expect(isHubError(bad, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('reads JSON entries and reports bad members per row', () => {
    const rows = parseImportJson([
      { deviceId: 'a', tags: { t: 1 }, reported: {} },
      { deviceId: 'b', x: 1 },
      3,
    ]);
    expect(rows.map((r) => r.error ?? 'ok')).toEqual([
      'ok',
      'Unknown member x.',
      'The entry is not a JSON object.',
    ]);
  });
});
