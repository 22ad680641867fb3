import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Stop early when the model name is taken in the namespace.',
    example: yaml.stringify({
      steps: [
        {
          id: 'check-name',
          action: 'maas:model:check-name',
          name: 'Check the name is free',
          input: {
            name: '${{ parameters.name }}',
            namespace: '${{ parameters.namespace }}',
          },
        },
      ],
    }),
  },
];
