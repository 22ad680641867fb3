import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';

/** Every action of the MaaS module, built from the app's config. */
export function createMaasActions(_options: {
  config: Config;
  logger: LoggerService;
}): TemplateAction<any, any, any>[] {
  return [];
}
