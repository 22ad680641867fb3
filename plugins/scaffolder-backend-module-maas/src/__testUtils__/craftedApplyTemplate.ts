import { Entity } from '@backstage/catalog-model';
import { useTestNamespace } from './harness';
import { createConfigFor, useScaffolder } from './templateBackend';
import { TestUser } from './users';

/**
 * A template anyone could write: its one step is `maas:model:apply`, fed the objects and values from the
 * form instead of the render step's output. What a hostile or careless template hands the apply action.
 */
export function craftedApplyTemplate(name: string): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name, namespace: 'default' },
    spec: {
      owner: 'group:default/team-a',
      type: 'service',
      parameters: [
        {
          properties: {
            model: { type: 'object' },
            manifests: { type: 'array' },
          },
        },
      ],
      steps: [
        {
          id: 'apply',
          name: 'Apply',
          action: 'maas:model:apply',
          input: {
            manifests: '${{ parameters.manifests }}',
            model: '${{ parameters.model }}',
          },
        },
      ],
    },
  };
}

/**
 * For a test file: a namespace of its own (named after `prefix`) and the scaffolder with the tests'
 * users and the crafted template `name`, creating models in that namespace with its `limits`.
 * `run(as, values)` runs the template as `as` to its end (see useScaffolder's runTask).
 */
export function useCraftedApply(
  name: string,
  prefix: string,
  limits: Parameters<typeof createConfigFor>[1] = {},
) {
  const cluster = useTestNamespace(prefix);
  const scaffolder = useScaffolder(
    () => createConfigFor(cluster.namespace, limits),
    { perUserPolicy: true, templates: [craftedApplyTemplate(name)] },
  );
  return {
    cluster,
    scaffolder,
    ns: () => cluster.namespace,
    run: (as: TestUser, values: Record<string, unknown>) =>
      scaffolder.runTask(`template:default/${name}`, values, as),
  };
}
