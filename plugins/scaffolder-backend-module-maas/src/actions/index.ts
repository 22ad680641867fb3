import { Config } from '@backstage/config';
import {
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { KubeConfig } from '@kubernetes/client-node';
import {
  loadKubeConfig,
  readClusterConfig,
} from '@maas-portal/plugin-maas-node';
import { readCreateRules } from '../config/readCreateRules';
import { readModelDefaults } from '../config/readModelDefaults';
import { modelManifestShape } from '../guard/manifestShape';
import { ModelCreateGate } from '../guard/ModelCreateGate';
import { createModelApplyAction } from './modelApply';
import { createModelCheckNameAction } from './modelCheckName';
import { createModelRegisterAction } from './modelRegister';
import { createModelRenderAction } from './modelRender';
import { withPlainErrors } from './withPlainErrors';

export { createModelApplyAction } from './modelApply';
export { createModelCheckNameAction } from './modelCheckName';
export { createModelRegisterAction } from './modelRegister';
export { createModelRenderAction } from './modelRender';

/**
 * Every action of the MaaS module, built from the app's config.
 *
 * @public
 */
export function createMaasActions(options: {
  config: Config;
  logger: LoggerService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  catalog: CatalogService;
  events: EventsService;
}): TemplateAction<any, any, any>[] {
  const defaults = readModelDefaults(options.config);
  const gate = new ModelCreateGate({
    permissions: options.permissions,
    userInfo: options.userInfo,
    rules: readCreateRules(options.config, {
      vllm: defaults.vllmImage,
      simulator: defaults.simulatorImage,
    }),
    shape: modelManifestShape(defaults),
    catalog: options.catalog,
  });
  const cluster = readClusterConfig(options.config);
  const timeoutMs = cluster.requestTimeoutMs;
  // Loaded when an action runs, so that a portal without a cluster still starts.
  let kubeConfig: KubeConfig | undefined;
  const getKubeConfig = () => {
    if (kubeConfig) return kubeConfig;
    const connection = loadKubeConfig(cluster);
    if (connection.kubeConfig === undefined) {
      throw new ServiceUnavailableError(connection.noCluster);
    }
    kubeConfig = connection.kubeConfig;
    return kubeConfig;
  };
  return [
    createModelCheckNameAction({
      kubeConfig: getKubeConfig,
      defaults,
      gate,
      timeoutMs,
    }),
    createModelRenderAction({ defaults, gate }),
    createModelApplyAction({
      kubeConfig: getKubeConfig,
      defaults,
      gate,
      timeoutMs,
    }),
    createModelRegisterAction({
      catalog: options.catalog,
      events: options.events,
      gate,
    }),
  ].map(withPlainErrors);
}
