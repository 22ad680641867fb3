import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { openApiRoutes } from '@maas-portal/harness/testing';
import { ConfigReader } from '@backstage/config';
import { readMaasConfig } from '../config/MaasConfig';
import { createRouter } from '../router';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** `METHOD /path` of every route an express router serves, its nested routers' too, `:id` as `{id}`. */
function routesOf(router: { stack: Layer[] }): string[] {
  return router.stack.flatMap(layer => {
    if (layer.handle?.stack) return routesOf({ stack: layer.handle.stack });
    if (!layer.route) return [];
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    return Object.keys(layer.route.methods).map(
      method => `${method.toUpperCase()} ${path}`,
    );
  });
}

describe('openapi.yaml', () => {
  it('describes exactly the routes the plugin serves', async () => {
    const documented = openApiRoutes(
      resolvePackagePath(
        '@maas-portal/plugin-maas-backend',
        'src/schema/openapi.yaml',
      ),
    );
    // The routers only register handlers here; their services are not called.
    const unused = {} as any;
    const router = await createRouter({
      gate: unused,
      // The defaults, as the plugin reads them from an empty app-config.
      config: readMaasConfig(new ConfigReader({})),
      bindings: unused,
      modelRefs: unused,
      lookupModel: unused,
      modelList: unused,
      usage: unused,
      callerQuota: unused,
      refusals: unused,
      tokenCheck: unused,
      catalogEntities: unused,
      costs: unused,
      budgets: unused,
      costsAccess: unused,
      keyAccess: unused,
      adoption: unused,
      keys: unused,
      playground: unused,
      playgroundQuota: unused,
      clusterRead: unused,
    });
    const served = routesOf(router as unknown as { stack: Layer[] });
    expect(served.sort()).toEqual(documented.sort());
  });
});
