import { NotAllowedError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { KubeConfig } from '@kubernetes/client-node';
import { impersonating } from '@maas-portal/plugin-maas-node';
import { applyModelObjects, Step } from '../cluster/applyModelObjects';
import { ModelObjectApi } from '../cluster/ModelObjectApi';
import { namespaceCapRefusals } from '../cluster/namespaceCaps';
import { impersonatedUser } from '../guard/impersonatedUser';
import { ModelCreateGate } from '../guard/ModelCreateGate';
import { renderedDifferences } from '../guard/renderedDifferences';
import { ModelDefaults } from '../manifests/validateModelSpec';
import {
  modelInputObject,
  ModelInputValues,
  renderModelInput,
} from './modelInput';
import { examples } from './modelApply.examples';

/**
 * `maas:model:apply`: server-side applies the objects that `maas:model:render` rendered, after a
 * dry run of every one; says per object whether it was created, configured or unchanged. It
 * renders the model again from the same values (`model`) and refuses objects that differ in any
 * field, so a crafted step applies nothing the form could not have produced.
 *
 * @public
 */
export function createModelApplyAction(options: {
  kubeConfig: () => KubeConfig;
  /** The portal's defaults, as `maas:model:render` renders with them. */
  defaults: ModelDefaults;
  /** `maas.model.create` and `maas.create.*`: checked on the objects before anything is applied. */
  gate: ModelCreateGate;
  /** Bound of one API-server call (`maas.cluster.requestTimeoutMs`). */
  timeoutMs?: number;
}) {
  return createTemplateAction({
    id: 'maas:model:apply',
    description:
      "Applies a model's objects (from maas:model:render) to the cluster: server-side apply with the MaaS field manager, after the maas.create.* checks, a check that they are exactly what maas:model:render writes for the same values, and a dry run of every object; never takes over an object the portal does not manage",
    examples,
    schema: {
      input: {
        manifests: z =>
          z.array(z.record(z.any()), {
            description:
              'The objects to apply, in order: `${{ steps.render.output.manifests }}`',
          }),
        model: modelInputObject,
      },
      output: {
        results: z =>
          z.array(
            z.object({
              kind: z.string(),
              namespace: z.string(),
              name: z.string(),
              outcome: z.enum(['created', 'configured', 'unchanged']),
              resourceVersion: z.string(),
            }),
            { description: 'What happened to each object' },
          ),
        summary: z =>
          z.string({
            description: "One line per object, for the last step's output",
          }),
      },
    },
    async handler(ctx) {
      const creator = await options.gate.check(ctx, ctx.input.manifests);
      // The values are checked as render checks them (name, owner, namespace, host name, images
      // against maas.create.*), then every field of every object against what render writes.
      const { spec, objects } = renderModelInput(
        ctx.input.model as ModelInputValues,
        options.defaults,
      );
      const differences = renderedDifferences(ctx.input.manifests, objects);
      if (differences.length > 0) {
        throw new NotAllowedError(
          `The model cannot be created: the objects are not what maas:model:render writes for this model: ${differences.join(
            '; ',
          )}`,
        );
      }
      await options.gate.checkCatalog(ctx, spec);
      const kubeConfig = options.kubeConfig();
      // The namespace's totals need the cluster: what its other models ask for now.
      const overCaps = await namespaceCapRefusals(
        ModelObjectApi.forConfig(kubeConfig, options.timeoutMs),
        objects,
        options.gate.rules,
      );
      if (overCaps.length > 0) {
        throw new NotAllowedError(
          `The model cannot be created: ${overCaps.join('; ')}`,
        );
      }
      const step: Step = async (key, fn) =>
        (await ctx.checkpoint({
          key,
          fn: async () => (await fn()) as unknown as JsonObject,
        })) as any;
      const results = await applyModelObjects({
        kubeConfig,
        ...(options.gate.rules.impersonateUsers
          ? {
              applyAs: impersonating(
                kubeConfig,
                impersonatedUser(creator, options.gate.rules.impersonation),
              ),
              applyAsAccount: 'The signed-in user',
            }
          : {}),
        timeoutMs: options.timeoutMs,
        objects,
        step,
        log: message => ctx.logger.info(message),
      });
      ctx.output('results', results);
      ctx.output(
        'summary',
        results
          .map(r => `- ${r.kind} ${r.namespace}/${r.name}: ${r.outcome}`)
          .join('\n'),
      );
    },
  });
}
