import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Stop early when the user may not create models in the namespace, the model name is taken there, or another route of the Gateway serves the host name.',
    example: yaml.stringify({
      steps: [
        {
          id: 'check-name',
          action: 'maas:model:check-name',
          name: 'Check the name and host name are free',
          input: {
            name: '${{ parameters.name }}',
            namespace: '${{ parameters.namespace }}',
            hostname: '${{ parameters.hostname }}',
            gateway: '${{ parameters.gateway }}',
          },
        },
      ],
    }),
  },
];
