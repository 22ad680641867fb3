import { LabelSelectorSpec } from '@maas-portal/plugin-maas-node';

/**
 * One requirement of a Kubernetes label selector, as `metav1.LabelSelector` holds it: a
 * `matchLabels` entry is `In` with one value.
 */
export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

// Kubernetes' own rules (apimachinery validation: IsQualifiedName, IsValidLabelValue).
const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isLabelKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  const prefix = parts.length === 2 ? parts[0] : undefined;
  if (
    prefix !== undefined &&
    (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))
  )
    return false;
  return name.length <= 63 && NAME.test(name);
}

const isLabelValue = (value: string) =>
  value === '' || (value.length <= 63 && NAME.test(value));

/**
 * The requirements of a selector, each checked as Kubernetes checks labels; undefined when any
 * key, value or operator is invalid (Authorino, which parses the selector the same way, then runs
 * no such rule) or when nothing is required (a selector that selects every Secret). Values are
 * never joined into a selector string unchecked: a value holding `,` or `=` would add requirements
 * of its own and list Secrets that Authorino does not accept.
 */
export function labelRequirements(
  selector: LabelSelectorSpec | undefined,
): LabelRequirement[] | undefined {
  const requirements: LabelRequirement[] = [
    ...Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => ({
      key,
      operator: 'In' as const,
      values: [value],
    })),
    ...(selector?.matchExpressions ?? []).map(e => ({
      key: e.key,
      operator: e.operator as LabelRequirement['operator'],
      values: e.values ?? [],
    })),
  ];
  if (requirements.length === 0) return undefined;
  const valid = requirements.every(r => {
    if (typeof r.key !== 'string' || !isLabelKey(r.key)) return false;
    if (!r.values.every(v => typeof v === 'string' && isLabelValue(v)))
      return false;
    if (r.operator === 'In' || r.operator === 'NotIn')
      return r.values.length > 0;
    if (r.operator === 'Exists' || r.operator === 'DoesNotExist')
      return r.values.length === 0;
    return false;
  });
  return valid ? requirements : undefined;
}

/** The selector string the API server takes, from checked requirements only. */
export function formatLabelSelector(requirements: LabelRequirement[]): string {
  return requirements
    .map(({ key, operator, values }) => {
      switch (operator) {
        case 'In':
          return values.length === 1
            ? `${key}=${values[0]}`
            : `${key} in (${values.join(',')})`;
        case 'NotIn':
          return `${key} notin (${values.join(',')})`;
        case 'Exists':
          return key;
        default:
          return `!${key}`;
      }
    })
    .join(',');
}
