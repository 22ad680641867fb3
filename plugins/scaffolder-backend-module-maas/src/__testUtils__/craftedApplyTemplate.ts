import { Entity } from '@backstage/catalog-model';

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
