import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { KubeConfig } from '@kubernetes/client-node';
import { readKubernetesPluginCluster } from '@maas-portal/plugin-maas-common';
import {
  readKubeconfigPath,
  readModelDefaults,
} from '../config/readModelDefaults';
import { loadKubeConfig } from '../cluster/loadKubeConfig';
import { createModelApplyAction } from './modelApply';
import { createModelCheckNameAction } from './modelCheckName';
import { createModelRenderAction } from './modelRender';
import { withPlainErrors } from './withPlainErrors';

export { createModelApplyAction } from './modelApply';
export { createModelCheckNameAction } from './modelCheckName';
export { createModelRenderAction } from './modelRender';

/** Every action of the MaaS module, built from the app's config. */
export function createMaasActions(options: {
  config: Config;
  logger: LoggerService;
}): TemplateAction<any, any, any>[] {
  const defaults = readModelDefaults(options.config);
  const kubeconfigPath = readKubeconfigPath(options.config);
  const pluginCluster = readKubernetesPluginCluster(options.config);
  const timeoutMs = options.config.getOptionalNumber(
    'maas.cluster.requestTimeoutMs',
  );
  // Loaded when an action runs, so that a portal without a cluster still starts.
  let kubeConfig: KubeConfig | undefined;
  const getKubeConfig = () =>
    (kubeConfig ??= loadKubeConfig(kubeconfigPath, pluginCluster));
  return [
    createModelCheckNameAction({
      kubeConfig: getKubeConfig,
      defaults,
      timeoutMs,
    }),
    createModelRenderAction({ defaults }),
    createModelApplyAction({ kubeConfig: getKubeConfig, timeoutMs }),
  ].map(withPlainErrors);
}
