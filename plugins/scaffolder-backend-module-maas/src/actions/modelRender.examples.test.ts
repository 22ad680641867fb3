import { allowingGate } from '../__testUtils__/users';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createMockDirectory } from '@backstage/backend-test-utils';
import yaml from 'yaml';
import { createModelRenderAction } from './modelRender';
import { examples } from './modelRender.examples';
import { testDefaults } from '../__testUtils__/modelInputs';

describe('maas:model:render examples', () => {
  const workspace = createMockDirectory();
  const action = createModelRenderAction({
    defaults: testDefaults,
    gate: allowingGate(),
  });

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_, example) => {
      workspace.clear();
      const input = yaml.parse(example).steps[0].input;
      const ctx = createMockActionContext({
        input,
        workspacePath: workspace.path,
      });
      await action.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith(
        'entityRef',
        `component:default/${input.name}`,
      );
    },
  );
});
