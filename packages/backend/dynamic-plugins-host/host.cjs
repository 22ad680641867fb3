/*
 * A backend that loads the MaaS suite's exported dynamic plugins the way Red Hat Developer Hub's
 * backend does: the plugins Developer Hub always has (catalog, scaffolder, permission) are static;
 * everything under `dynamicPlugins.rootDirectory` is found and loaded by
 * @backstage/backend-dynamic-feature-service. Run with `node host.cjs --config <app-config.yaml>`
 * from the folder scripts/dynamic-plugins-host.sh installs it into.
 */
const { createBackend } = require('@backstage/backend-defaults');
const {
  dynamicPluginsFeatureLoader,
} = require('@backstage/backend-dynamic-feature-service');

const backend = createBackend();
backend.add(dynamicPluginsFeatureLoader);
backend.add(require('@backstage/plugin-catalog-backend'));
backend.add(require('@backstage/plugin-scaffolder-backend'));
backend.add(require('@backstage/plugin-permission-backend'));
backend.add(
  require('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

backend.start().catch(error => {
  process.stderr.write(
    `The dynamic plugins host did not start: ${error.stack}\n`,
    () => process.exit(1),
  );
});
