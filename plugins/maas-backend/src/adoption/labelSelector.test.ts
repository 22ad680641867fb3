import { AuthPolicy, LabelSelectorSpec } from '@maas-portal/plugin-maas-node';
import { formatLabelSelector, labelRequirements } from './labelSelector';
import { apiKeySelectors } from './OutsideKeys';

const policyWith = (selector: object, allNamespaces = false) =>
  ({
    apiVersion: 'kuadrant.io/v1',
    kind: 'AuthPolicy',
    metadata: { name: 'p', namespace: 'llm' },
    spec: {
      rules: {
        authentication: {
          keys: { apiKey: { selector, allNamespaces } },
        },
      },
    },
  } as unknown as AuthPolicy);

describe('the outside-keys selector', () => {
  it('LOW: the outside-keys selector is built from structured label requirements, not string joins', () => {
    const requirements = labelRequirements({
      matchLabels: { app: 'llm-gateway', 'kuadrant.io/auth-secret': 'true' },
      matchExpressions: [
        { key: 'tier', operator: 'NotIn', values: ['free', 'trial'] },
        { key: 'example.com/team', operator: 'Exists' },
        { key: 'retired', operator: 'DoesNotExist' },
        { key: 'plan', operator: 'In', values: ['gold', 'silver'] },
      ],
    });
    expect(formatLabelSelector(requirements!)).toBe(
      'app=llm-gateway,kuadrant.io/auth-secret=true,tier notin (free,trial),example.com/team,!retired,plan in (gold,silver)',
    );

    // A value or key that would add requirements of its own (anyone may write an AuthPolicy) makes
    // the rule one Authorino does not run either: nothing is listed for it, nothing can be revoked.
    const crafted: LabelSelectorSpec[] = [
      { matchLabels: { app: 'llm-gateway,kuadrant.io/auth-secret' } },
      { matchLabels: { app: 'x', 'team in (a': 'b)' } },
      { matchLabels: { 'app,b': 'x' } },
      { matchLabels: { app: 'a=b' } },
      { matchLabels: { app: '!x' } },
      { matchLabels: { app: 'x'.repeat(64) } },
      { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] },
      { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      { matchExpressions: [{ key: 'a', operator: 'In', values: ['x) ,b'] }] },
      {},
    ];
    for (const selector of crafted) {
      expect([selector, labelRequirements(selector)]).toEqual([
        selector,
        undefined,
      ]);
      expect(apiKeySelectors([policyWith(selector, true)])).toEqual([]);
    }

    expect(
      apiKeySelectors([policyWith({ matchLabels: { app: 'llm-gateway' } })]),
    ).toEqual([
      {
        requirements: [{ key: 'app', operator: 'In', values: ['llm-gateway'] }],
        allNamespaces: false,
      },
    ]);
  });
});
