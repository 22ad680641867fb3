import { CostReport } from '@maas-portal/plugin-maas-common';
import { costsCsv, csvCell, csvFileName } from './costsCsv';

describe('costs CSV', () => {
  it('quotes cells that need it and never lets a spreadsheet run a title as a formula', () => {
    expect(csvCell('team-a')).toBe('team-a');
    expect(csvCell('A, B')).toBe('"A, B"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(null)).toBe('');
  });

  it('writes the rows of one table with costs to the configured decimals, and names the file by period', () => {
    const report = {
      start: Date.UTC(2026, 10, 1) / 1000,
      end: Date.UTC(2026, 10, 15) / 1000,
      decimals: 3,
      currency: 'USD',
      groups: [
        {
          ref: 'group:default/a',
          title: 'A',
          calls: 3,
          tokens: 10,
          cost: 1.5,
          users: 2,
        },
        {
          ref: '',
          title: 'No group',
          calls: 1,
          tokens: 0,
          cost: null,
          users: 1,
        },
      ],
    } as unknown as CostReport;
    expect(costsCsv(report, 'groups')).toBe(
      'ref,title,calls,tokens,cost,currency,users,groups\r\n' +
        'group:default/a,A,3,10,1.500,USD,2,\r\n' +
        ',No group,1,0,,USD,1,\r\n',
    );
    expect(csvFileName(report, 'groups')).toBe(
      'maas-costs-2026-11-01_2026-11-15-groups.csv',
    );
    expect(csvFileName({ ...report, month: '2026-11' }, 'users')).toBe(
      'maas-costs-2026-11-users.csv',
    );
  });
});
