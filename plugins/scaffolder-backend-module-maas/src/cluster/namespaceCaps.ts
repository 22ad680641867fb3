import { apiVersionOf, INFERENCE_SERVICE } from '@maas-portal/plugin-maas-node';
import { CreateRules } from '../config/readCreateRules';
import {
  AnyObject,
  GPU_RESOURCE,
  shown,
  totalResources,
} from '../guard/createRefusals';
import { parseQuantity } from '../guard/quantity';
import { explainObjectError, ObjectDescription } from './describeObject';
import { ModelObjectApi } from './ModelObjectApi';

/** A number as a sentence shows it: 1.1, not 1.1000000000000001. */
const rounded = (resource: string, amount: number) =>
  shown(resource, Math.round(amount * 1000) / 1000);

/**
 * Why the InferenceServices would take their namespace over its total caps
 * (`maas.create.namespaces[].maxGpus`, `.maxCpu`): what the namespace's other models ask for now,
 * read from the cluster with `api` (the portal's account: the caps are the portal's, whoever
 * applies), plus what the new model asks for. The model itself, when it exists (applied again),
 * counts with its new values only. Each reason names the cap, the namespace's current total and
 * what the model would add.
 */
export async function namespaceCapRefusals(
  api: ModelObjectApi,
  objects: unknown[],
  rules: CreateRules,
): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects as AnyObject[]) {
    if (object.kind !== INFERENCE_SERVICE.kind) continue;
    const namespace = object.metadata?.namespace ?? '';
    const index = rules.namespaces.findIndex(r => r.namespace === namespace);
    const rule = rules.namespaces[index];
    if (!rule || (rule.maxGpus === undefined && rule.maxCpu === undefined))
      continue;
    let others: AnyObject[];
    try {
      others = (
        await api.list(
          apiVersionOf(INFERENCE_SERVICE),
          INFERENCE_SERVICE.kind,
          namespace,
        )
      ).items.filter(o => o.metadata?.name !== object.metadata?.name);
    } catch (error) {
      problems.push(
        `the namespace's caps cannot be checked: ${explainObjectError(
          error,
          object as ObjectDescription,
          'list',
        )}`,
      );
      continue;
    }
    const now: Record<string, number> = {};
    for (const other of others) {
      for (const [resource, amount] of Object.entries(totalResources(other)))
        now[resource] = (now[resource] ?? 0) + amount;
    }
    const adds = totalResources(object);
    const caps = [
      ['GPUs', GPU_RESOURCE, rule.maxGpus, 'maxGpus'],
      ['CPU', 'cpu', rule.maxCpu, 'maxCpu'],
    ] as const;
    for (const [what, resource, cap, key] of caps) {
      if (cap === undefined) continue;
      const current = now[resource] ?? 0;
      const added = adds[resource] ?? 0;
      if (added === 0 || current + added <= parseQuantity(cap)!) continue;
      problems.push(
        `namespace "${namespace}" would use ${rounded(
          resource,
          current + added,
        )} ${what} (${resource}) in all, above its cap (maas.create.namespaces[${index}].${key}): at most ${cap}; its other models use ${rounded(
          resource,
          current,
        )} now and this model asks for ${rounded(
          resource,
          added,
        )}; ask for less, or ask a portal admin to free or raise the namespace's cap`,
      );
    }
  }
  return problems;
}
