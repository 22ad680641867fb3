import { InputError } from '@backstage/errors';
import type { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';
import { formatProblems } from '@maas-portal/plugin-maas-common';
import { renderModel, RenderedModel } from '../manifests/renderModel';
import { ModelSpec } from '../manifests/types';
import {
  ModelDefaults,
  ModelInput,
  validateModelSpec,
} from '../manifests/validateModelSpec';
import { placementInput } from './placementInput';

/** The zod that Backstage hands to an action's input schema (its own copy, not this package's). */
type Zod = Parameters<
  NonNullable<NonNullable<TemplateActionOptions['schema']>['input']>[string]
>[0];

type Field<T> = (z: Zod) => T;
type OptionalString = ReturnType<ReturnType<Zod['string']>['optional']>;

/**
 * The form's values a model is rendered from: the input of `maas:model:render` (with its
 * `targetPath`), and the `model` that `maas:model:apply` renders again to check its manifests.
 */
export const modelInputFields: typeof placementInput & {
  name: Field<ReturnType<Zod['string']>>;
  owner: Field<ReturnType<Zod['string']>>;
  system: Field<OptionalString>;
  description: Field<OptionalString>;
  /** Typed loosely (the handler sees `any` fields): the schema and `validateModelSpec` check them. */
  serving: Field<ReturnType<Zod['object']>>;
  auth: Field<ReturnType<Zod['object']>>;
  tiers: Field<ReturnType<ReturnType<Zod['array']>['optional']>>;
  catalogSource: Field<ReturnType<ReturnType<Zod['enum']>['optional']>>;
} = {
  name: (z: Zod) =>
    z.string({
      description:
        'Model name (DNS-1123 label): the InferenceService and the catalog Component',
    }),
  ...placementInput,
  owner: (z: Zod) =>
    z.string({
      description: 'Owner entity reference, e.g. `group:default/ml-team`',
    }),
  system: (z: Zod) =>
    z.string({ description: 'System entity reference' }).optional(),
  description: (z: Zod) =>
    z.string({ description: 'One line about the model' }).optional(),
  serving: (z: Zod) =>
    z.object(
      {
        type: z.enum(['vllm', 'simulator']),
        storageUri: z.string().optional(),
        gpus: z.number().optional(),
        cpu: z.union([z.string(), z.number()]).transform(String).optional(),
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
  auth: (z: Zod) =>
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
  tiers: (z: Zod) =>
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
  catalogSource: (z: Zod) =>
    z
      .enum(['repository', 'cluster'], {
        description:
          '`repository` (default): register catalog-info.yaml from the published repository; `cluster`: the InferenceService carries the entities and the MaaS catalog module registers them',
      })
      .optional(),
};

/** The same fields as one object, for `maas:model:apply`'s `model` input. */
export const modelInputObject = (z: Zod): ReturnType<Zod['object']> =>
  z.object(
    Object.fromEntries(
      Object.entries(modelInputFields).map(([key, field]) => [
        key,
        (field as (z: Zod) => any)(z),
      ]),
    ),
    {
      description:
        'The values the model was rendered from: `${{ steps.render.output.model }}`',
    },
  );

/** The form's values as the actions receive them. */
export type ModelInputValues = ModelInput & {
  catalogSource?: 'repository' | 'cluster';
};

/**
 * What `maas:model:render` writes for `values`: checked against the portal's config (an
 * InputError naming every problem), then rendered. The one place both actions render.
 */
export function renderModelInput(
  values: ModelInputValues,
  defaults: ModelDefaults,
): RenderedModel & { spec: ModelSpec } {
  const { catalogSource, ...input } = values;
  const result = validateModelSpec(input, defaults);
  if (!result.spec) {
    throw new InputError(
      `The model cannot be created: ${formatProblems(result.problems)}`,
    );
  }
  return { spec: result.spec, ...renderModel(result.spec, { catalogSource }) };
}
