import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Apply the objects that the render step made.',
    example: yaml.stringify({
      steps: [
        {
          id: 'apply',
          action: 'maas:model:apply',
          name: 'Apply the model to the cluster',
          input: {
            manifests: '${{ steps.render.output.manifests }}',
            model: '${{ steps.render.output.model }}',
          },
        },
      ],
    }),
  },
];
