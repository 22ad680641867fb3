import { TemplateAction } from '@backstage/plugin-scaffolder-node';

/** Errors that explain themselves to the person running the template. */
const USER_FACING = new Set([
  'InputError',
  'ConflictError',
  'NotAllowedError',
  'NotFoundError',
  'ModelApplyError',
  'ServiceUnavailableError',
]);

/**
 * The scaffolder writes a failed step's error stack into the task log. For errors that are the
 * user's to fix (bad input, a taken name, missing permission, no cluster, what apply refused), the message is
 * the whole story: the log shows it without the stack. Other errors keep theirs: they are bugs.
 */
export function withPlainErrors<T extends TemplateAction<any, any, any>>(
  action: T,
): T {
  return {
    ...action,
    async handler(ctx: Parameters<T['handler']>[0]) {
      try {
        return await action.handler(ctx);
      } catch (error) {
        if (error instanceof Error && USER_FACING.has(error.name)) {
          error.stack = `${error.name}: ${error.message}`;
        }
        throw error;
      }
    },
  };
}
