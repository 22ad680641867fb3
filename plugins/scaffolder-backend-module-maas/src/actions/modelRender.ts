import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import { modelUrl } from '../manifests/naming';
import { toYamlStream } from '../manifests/renderModel';
import { ModelDefaults } from '../manifests/validateModelSpec';
import { ModelCreateGate } from '../guard/ModelCreateGate';
import {
  modelInputFields,
  ModelInputValues,
  renderModelInput,
} from './modelInput';
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
        ...modelInputFields,
        targetPath: z =>
          z
            .string({
              description:
                'Workspace folder for `manifests/` and `catalog-info.yaml`. Default: the workspace',
            })
            .optional(),
      },
      output: {
        manifests: z =>
          z.array(z.record(z.any()), {
            description: 'The cluster objects, in apply order',
          }),
        model: z =>
          z.record(z.any(), {
            description:
              "This step's input but `targetPath`: what `maas:model:apply` renders again to check the manifests",
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
      const { targetPath = '.', ...model } = ctx.input;
      // The schema checked the types; validateModelSpec checks the values and names each problem.
      const { spec, objects, catalogEntities } = renderModelInput(
        model as ModelInputValues,
        defaults,
      );
      await gate.check(ctx, objects);
      await gate.checkCatalog(ctx, spec);

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
      ctx.output('model', model);
      ctx.output('entityRef', stringifyEntityRef(catalogEntities[0]));
      ctx.output('modelUrl', modelUrl(spec));
      ctx.output('namespace', spec.namespace);
      ctx.output('inferenceService', `${spec.namespace}/${spec.name}`);
      ctx.output('catalogInfoPath', catalogInfoPath);
    },
  });
}
