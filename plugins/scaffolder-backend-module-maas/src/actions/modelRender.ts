import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { formatProblems } from '@maas-portal/plugin-maas-common';
import fs from 'node:fs/promises';
import { modelUrl } from '../manifests/naming';
import { renderModel, toYamlStream } from '../manifests/renderModel';
import {
  ModelDefaults,
  validateModelSpec,
} from '../manifests/validateModelSpec';
import { ModelCreateGate } from '../guard/ModelCreateGate';
import { placementInput } from './placementInput';
import { examples } from './modelRender.examples';

/**
 * `maas:model:render`: checks the form and renders the model's cluster objects and catalog
 * entities; writes `manifests/*.yaml` and `catalog-info.yaml` into the workspace for publishing.
 *
 * @public
 */
export function createModelRenderAction(options: {
  defaults: ModelDefaults;
  /** `maas.model.create` and `maas.create.*`: checked before anything is written. */
  gate: ModelCreateGate;
}) {
  const { defaults, gate } = options;
  return createTemplateAction({
    id: 'maas:model:render',
    description:
      'Renders a model: its InferenceService (vLLM or simulator), HTTPRoute, AuthPolicy, RateLimitPolicy, TokenRateLimitPolicy and catalog-info.yaml',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string({
            description:
              'Model name (DNS-1123 label): the InferenceService and the catalog Component',
          }),
        ...placementInput,
        owner: z =>
          z.string({
            description: 'Owner entity reference, e.g. `group:default/ml-team`',
          }),
        system: z =>
          z.string({ description: 'System entity reference' }).optional(),
        description: z =>
          z.string({ description: 'One line about the model' }).optional(),
        serving: z =>
          z.object(
            {
              type: z.enum(['vllm', 'simulator']),
              storageUri: z.string().optional(),
              gpus: z.number().optional(),
              cpu: z
                .union([z.string(), z.number()])
                .transform(String)
                .optional(),
              memory: z.string().optional(),
              maxModelLen: z.number().optional(),
              image: z.string().optional(),
              timeToFirstTokenMs: z.number().optional(),
              interTokenLatencyMs: z.number().optional(),
            },
            {
              description:
                '`vllm` (storageUri, gpus, cpu, memory, maxModelLen, image) or `simulator` (image, timeToFirstTokenMs, interTokenLatencyMs)',
            },
          ),
        auth: z =>
          z.object(
            {
              type: z.enum(['api-key', 'oidc']),
              issuerUrl: z.string().optional(),
              tierClaim: z.string().optional(),
              userIdClaim: z.string().optional(),
            },
            {
              description:
                '`api-key`, or `oidc` with issuerUrl and the tier claim (default `tier`)',
            },
          ),
        tiers: z =>
          z
            .array(
              z.object({
                name: z.string(),
                requests: z.object({ limit: z.number(), window: z.string() }),
                tokens: z.object({ limit: z.number(), window: z.string() }),
              }),
              {
                description:
                  "Some of the portal tiers with this model's limits. Default: all of `maas.tiers`",
              },
            )
            .optional(),
        targetPath: z =>
          z
            .string({
              description:
                'Workspace folder for `manifests/` and `catalog-info.yaml`. Default: the workspace',
            })
            .optional(),
        catalogSource: z =>
          z
            .enum(['repository', 'cluster'], {
              description:
                '`repository` (default): register catalog-info.yaml from the published repository; `cluster`: the InferenceService carries the entities and the MaaS catalog module registers them',
            })
            .optional(),
      },
      output: {
        manifests: z =>
          z.array(z.record(z.any()), {
            description: 'The cluster objects, in apply order',
          }),
        entityRef: z =>
          z.string({
            description:
              "The model's Component, e.g. `component:default/qwen3`",
          }),
        modelUrl: z =>
          z.string({
            description: "The model's base URL, e.g. `http://qwen3.maas.local`",
          }),
        namespace: z =>
          z.string({ description: 'The namespace the model goes to' }),
        inferenceService: z =>
          z.string({
            description: 'The InferenceService, `<namespace>/<name>`',
          }),
        catalogInfoPath: z =>
          z.string({
            description: 'Path of `catalog-info.yaml` in the workspace',
          }),
      },
    },
    async handler(ctx) {
      await gate.creator(ctx);
      const { targetPath = '.', catalogSource, ...input } = ctx.input;
      const result = validateModelSpec(input, defaults);
      if (!result.spec) {
        throw new InputError(
          `The model cannot be created: ${formatProblems(result.problems)}`,
        );
      }
      const { spec } = result;
      const { objects, catalogEntities } = renderModel(spec, { catalogSource });
      await gate.check(ctx, objects);

      const dir = resolveSafeChildPath(ctx.workspacePath, targetPath);
      const manifestsDir = resolveSafeChildPath(dir, 'manifests');
      await fs.mkdir(manifestsDir, { recursive: true });
      for (const object of objects) {
        await fs.writeFile(
          resolveSafeChildPath(
            manifestsDir,
            `${object.kind.toLowerCase()}.yaml`,
          ),
          toYamlStream([object]),
        );
      }
      await fs.writeFile(
        resolveSafeChildPath(manifestsDir, 'kustomization.yaml'),
        toYamlStream([
          {
            apiVersion: 'kustomize.config.k8s.io/v1beta1',
            kind: 'Kustomization',
            resources: objects.map(o => `${o.kind.toLowerCase()}.yaml`),
          },
        ]),
      );
      const catalogInfoPath = `${targetPath.replace(
        /\/+$/,
        '',
      )}/catalog-info.yaml`.replace(/^\.\//, '');
      await fs.writeFile(
        resolveSafeChildPath(dir, 'catalog-info.yaml'),
        toYamlStream(catalogEntities),
      );

      ctx.logger.info(
        `Rendered ${objects
          .map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)
          .join(', ')}`,
      );
      ctx.output('manifests', objects as unknown as Record<string, any>[]);
      ctx.output('entityRef', stringifyEntityRef(catalogEntities[0]));
      ctx.output('modelUrl', modelUrl(spec));
      ctx.output('namespace', spec.namespace);
      ctx.output('inferenceService', `${spec.namespace}/${spec.name}`);
      ctx.output('catalogInfoPath', catalogInfoPath);
    },
  });
}
