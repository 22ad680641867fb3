import type { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';

/** The zod that Backstage hands to an action's input schema (its own copy, not this package's). */
type Zod = Parameters<
  NonNullable<NonNullable<TemplateActionOptions['schema']>['input']>[string]
>[0];

type OptionalString = ReturnType<ReturnType<Zod['string']>['optional']>;
type Field<T> = (z: Zod) => T;

/** The inputs that say where a model goes: shared by `maas:model:render` and `maas:model:check-name`. */
export const placementInput: {
  namespace: Field<OptionalString>;
  hostname: Field<OptionalString>;
  /** Typed loosely (`name`, `namespace` are `any` to the handler): the schema checks them. */
  gateway: Field<ReturnType<ReturnType<Zod['object']>['optional']>>;
} = {
  namespace: (z: Zod) =>
    z
      .string({ description: 'Namespace. Default: `maas.namespace`' })
      .optional(),
  hostname: (z: Zod) =>
    z
      .string({
        description: 'Host name. Default: `<name>.<maas.domainSuffix>`',
      })
      .optional(),
  gateway: (z: Zod) =>
    z
      .object(
        { name: z.string().optional(), namespace: z.string().optional() },
        { description: 'The Gateway. Default: `maas.gateway`' },
      )
      .optional(),
};
