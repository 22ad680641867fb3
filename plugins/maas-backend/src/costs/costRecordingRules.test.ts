import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  COST_RULES_FILE,
  COST_RULES_MANIFEST,
  costRulesBackfillPasses,
  costRulesFileYaml,
  costRulesManifestYaml,
} from './costRecordingRules';

const repo = path.resolve(__dirname, '../../../..');

/**
 * The two shipped files are written from costRecordingRules.ts, where the raw query's parts are too:
 * one source. Run with MAAS_WRITE_COST_RULES=1 to write them after changing the rules.
 */
describe.each([
  [COST_RULES_MANIFEST, costRulesManifestYaml],
  [COST_RULES_FILE, costRulesFileYaml],
])('%s', (file, generate) => {
  const target = path.join(repo, file);
  if (process.env.MAAS_WRITE_COST_RULES === '1')
    fs.writeFileSync(target, generate());

  it('is what costRecordingRules.ts generates', () => {
    expect(
      fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '(missing)',
    ).toBe(generate());
  });
});

describe('the PrometheusRule and the rules file', () => {
  it('hold the same groups', () => {
    const manifest = parse(costRulesManifestYaml());
    const rules = parse(costRulesFileYaml());
    expect(manifest.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(manifest.kind).toBe('PrometheusRule');
    expect(manifest.spec.groups).toEqual(rules.groups);
    expect(rules.groups.map((g: any) => [g.name, g.interval])).toEqual([
      ['maas-costs', '1h'],
    ]);
  });
});

describe('the backfill passes', () => {
  it('backfill each rule after the records it reads: the hours; their irregular series and the days; the irregular days', () => {
    const records = costRulesBackfillPasses().map(pass =>
      parse(pass).groups[0].rules.map((r: { record: string }) => r.record),
    );
    expect(records).toEqual([
      [
        'maas_costs:calls:1h',
        'maas_costs:tokens:1h',
        'maas_costs:limited:1h',
        'maas_costs:unlabelled:1h',
        'maas_costs:evaluated_at:1h',
      ],
      [
        'maas_costs:irregular:1h',
        'maas_costs:calls:1d',
        'maas_costs:tokens:1d',
        'maas_costs:limited:1d',
        'maas_costs:unlabelled:1d',
        'maas_costs:evaluated_at:1d',
      ],
      ['maas_costs:irregular:1d'],
    ]);
    // Every pass is the same group, so its evaluations fall at the same times.
    expect(
      new Set(costRulesBackfillPasses().map(p => parse(p).groups[0].name)),
    ).toEqual(new Set(['maas-costs']));
  });
});
