import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { withPlainErrors } from './withPlainErrors';

const failing = (error: Error) =>
  withPlainErrors(
    createTemplateAction({
      id: 'test:fail',
      async handler() {
        throw error;
      },
    }),
  );

describe('withPlainErrors', () => {
  it('leaves only the message of an error the user can fix', async () => {
    const error = await failing(new InputError('name: must be lower-case'))
      .handler(createMockActionContext())
      .catch(e => e);
    expect(error.stack).toBe('InputError: name: must be lower-case');
  });

  it('keeps the stack of anything else', async () => {
    const error = await failing(new TypeError('x is undefined'))
      .handler(createMockActionContext())
      .catch(e => e);
    expect(error.stack).toMatch(/withPlainErrors\.test\.ts/);
  });
});
