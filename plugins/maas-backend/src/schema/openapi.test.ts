import { resolvePackagePath } from '@backstage/backend-plugin-api';
import express from 'express';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { createRouter } from '../router';
import { createKeysRouter } from '../keys/createKeysRouter';
import { createCatalogRouter } from '../catalog/createCatalogRouter';

/** `METHOD /path` of every route an express router serves, with `:id` written `{id}`. */
function routesOf(router: express.Router): string[] {
  return (
    router.stack as Array<{
      route?: { path: string; methods: Record<string, boolean> };
    }>
  )
    .filter(layer => layer.route)
    .flatMap(layer =>
      Object.keys(layer.route!.methods).map(
        method =>
          `${method.toUpperCase()} ${layer.route!.path.replace(
            /:(\w+)/g,
            '{$1}',
          )}`,
      ),
    );
}

describe('openapi.yaml', () => {
  it('describes exactly the routes the plugin serves', async () => {
    const spec = YAML.parse(
      readFileSync(
        resolvePackagePath(
          '@maas-portal/plugin-maas-backend',
          'src/schema/openapi.yaml',
        ),
        'utf8',
      ),
    );
    const documented = Object.entries(
      spec.paths as Record<string, object>,
    ).flatMap(([path, methods]) =>
      Object.keys(methods).map(method => `${method.toUpperCase()} ${path}`),
    );
    // The routers only register handlers here; their services are not called.
    const unused = {} as any;
    const served = [
      ...routesOf(
        await createRouter({
          gate: unused,
          catalog: unused,
          config: unused,
          usage: unused,
        }),
      ),
      ...routesOf(
        await createKeysRouter({
          gate: unused,
          catalog: unused,
          keys: unused,
        }),
      ),
      ...routesOf(createCatalogRouter({ gate: unused })),
    ];
    expect(served.sort()).toEqual(documented.sort());
  });
});
