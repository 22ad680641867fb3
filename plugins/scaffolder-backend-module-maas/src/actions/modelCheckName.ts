import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { KubeConfig } from '@kubernetes/client-node';
import { checkModelNameFree } from '../cluster/checkModelNameFree';
import { ModelDefaults } from '../manifests/validateModelSpec';
import { examples } from './modelCheckName.examples';

/**
 * `maas:model:check-name`: fails when the namespace already has a model (InferenceService or
 * HTTPRoute) of that name. Read-only, so it also runs in a dry run when a cluster is reachable.
 *
 * @public
 */
export function createModelCheckNameAction(options: {
  kubeConfig: () => KubeConfig;
  /** Bound of one API-server call (`maas.cluster.requestTimeoutMs`). */
  timeoutMs?: number;
  defaults: Pick<ModelDefaults, 'namespace'>;
}) {
  return createTemplateAction({
    id: 'maas:model:check-name',
    description:
      'Checks that no model of this name exists in the namespace yet',
    examples,
    schema: {
      input: {
        name: z => z.string({ description: 'Model name' }),
        namespace: z =>
          z
            .string({ description: 'Namespace. Default: `maas.namespace`' })
            .optional(),
      },
    },
    async handler(ctx) {
      const namespace = ctx.input.namespace || options.defaults.namespace;
      await checkModelNameFree({
        kubeConfig: options.kubeConfig(),
        timeoutMs: options.timeoutMs,
        name: ctx.input.name,
        namespace,
      });
      ctx.logger.info(
        `"${ctx.input.name}" is free in namespace "${namespace}"`,
      );
    },
  });
}
