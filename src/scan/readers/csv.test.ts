import { describe, expect, it } from 'vitest';
import { readAll } from '../test-support/reader.js';
import { createCsvReader, sniffDelimiter } from './csv.js';

const csv =
  (delimiter = ',') =>
  (ctx: Parameters<typeof createCsvReader>[0]) =>
    createCsvReader(ctx, delimiter);

describe('CSV reader', () => {
  it('reports a column of IINs as one finding per row, naming the column', () => {
    const text = 'name,ИИН\nАйгерим,900515201238\nЕржан,850412100405\n';
    const { findings } = readAll(csv(), text);
    expect(findings.map((f) => [f.location.row, f.location.field, f.masked])).toEqual([
      [2, 'ИИН', '9005********'],
      [3, 'ИИН', '8504********'],
    ]);
  });

  it('uses the header as a context word for its column', () => {
    const text = 'Номер удостоверения;Город\n043218765;Алматы\n';
    const { findings } = readAll(csv(';'), text);
    expect(findings.map((f) => [f.type, f.location.field])).toEqual([
      ['id-card', 'Номер удостоверения'],
    ]);
  });

  it('reads quoted fields with delimiters, doubled quotes and newlines, in any chunking', () => {
    const text =
      'id,note\r\n1,"ИИН 900515201238, ""важно""\nвторая строка: карта 4400 4301 2345 6789"\r\n2,ok\r\n';
    for (const pieces of [[text.length], [1], [7, 3]]) {
      const { findings, redacted } = readAll(csv(), text, { pieces });
      expect(findings.map((f) => [f.type, f.location.row, f.location.field])).toEqual([
        ['iin', 2, 'note'],
        ['card', 2, 'note'],
      ]);
      expect(redacted).toBe(
        text.replace('900515201238', '9005********').replace('4301 2345 6789', '**** **** ****'),
      );
    }
  });

  it('groups findings of one record for worst cases', () => {
    const { findings, metas } = readAll(csv('\t'), 'iin\tdiagnosis\n900515201238\tдиагноз J45\n');
    const row2 = metas.filter((_, i) => findings[i]!.location.row === 2);
    expect(row2.map((m) => m.group)).toEqual(['r:2', 'r:2', 'r:2']);
  });

  it('rejects an unclosed quote with a one-line reason', () => {
    expect(() => readAll(csv(), 'a,b\n1,"unclosed\n')).toThrow(/unclosed quote/);
  });

  it('sniffs the delimiter from the first line', () => {
    expect(sniffDelimiter('a;b;c')).toBe(';');
    expect(sniffDelimiter('a\tb')).toBe('\t');
    expect(sniffDelimiter('a,b')).toBe(',');
  });
});

describe('CSV with a byte-order mark', () => {
  it('names the first column without the mark', () => {
    const { findings } = readAll(csv(), '\uFEFFИИН,name\n900515201238,A\n');
    expect(findings.map((f) => f.location.field)).toEqual(['ИИН']);
  });
});

describe('CSV without a header row', () => {
  it('does not echo a value used as a column name', () => {
    const { findings } = readAll(
      csv(),
      '900515201238,aigerim@mail.kz\n850412100405,dana@mail.kz\n',
    );
    expect(findings.map((f) => f.location.field)).toEqual([
      '9005********',
      'a******@mail.kz',
      '9005********',
      'a******@mail.kz',
    ]);
  });
});
