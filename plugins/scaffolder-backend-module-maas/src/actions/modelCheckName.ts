import { NotAllowedError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { KubeConfig } from '@kubernetes/client-node';
import { checkModelNameFree } from '../cluster/checkModelNameFree';
import { hostnameRefusal, namespaceRefusal } from '../guard/createRefusals';
import { ModelCreateGate } from '../guard/ModelCreateGate';
import { ModelDefaults } from '../manifests/validateModelSpec';
import { placementInput } from './placementInput';
import { examples } from './modelCheckName.examples';

/**
 * `maas:model:check-name`: fails when the user may not create models there (`maas.model.create`,
 * `maas.create.namespaces`), when the namespace already has a model (InferenceService or
 * HTTPRoute) of that name, or when its host name is outside `maas.domainSuffix` or served by
 * another route of the Gateway. Read-only, so it also runs in a dry run when a cluster is reachable.
 *
 * @public
 */
export function createModelCheckNameAction(options: {
  kubeConfig: () => KubeConfig;
  /** Bound of one API-server call (`maas.cluster.requestTimeoutMs`). */
  timeoutMs?: number;
  defaults: Pick<ModelDefaults, 'namespace' | 'gateway' | 'domainSuffix'>;
  gate: ModelCreateGate;
}) {
  const { defaults, gate } = options;
  return createTemplateAction({
    id: 'maas:model:check-name',
    description:
      'Checks that the user may create a model in the namespace, that no model of this name exists there yet, and that no other route of the Gateway serves its host name',
    examples,
    schema: {
      input: {
        name: z => z.string({ description: 'Model name' }),
        ...placementInput,
      },
    },
    async handler(ctx) {
      const creator = await gate.creator(ctx);
      const { name } = ctx.input;
      const namespace = ctx.input.namespace || defaults.namespace;
      const hostname = ctx.input.hostname || `${name}.${defaults.domainSuffix}`;
      const refusals = [
        namespaceRefusal(namespace, gate.rules, creator),
        hostnameRefusal(hostname, gate.rules),
      ].filter(Boolean);
      if (refusals.length > 0) {
        throw new NotAllowedError(
          `The model cannot be created: ${refusals.join('; ')}`,
        );
      }
      await checkModelNameFree({
        kubeConfig: options.kubeConfig(),
        timeoutMs: options.timeoutMs,
        name,
        namespace,
        log: message => ctx.logger.info(message),
        host: {
          hostname,
          gateway: {
            name: ctx.input.gateway?.name || defaults.gateway.name,
            namespace:
              ctx.input.gateway?.namespace || defaults.gateway.namespace,
          },
        },
      });
      ctx.logger.info(
        `"${name}" is free in namespace "${namespace}", and so is "${hostname}"`,
      );
    },
  });
}
