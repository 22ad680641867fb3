import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Register the applied model in the catalog, so that its page opens when the run ends.',
    example: yaml.stringify({
      steps: [
        {
          id: 'register-applied',
          action: 'maas:model:register',
          name: 'Register in the catalog',
          input: {
            entityRef: '${{ steps.render.output.entityRef }}',
            inferenceService: '${{ steps.render.output.inferenceService }}',
          },
        },
      ],
    }),
  },
];
