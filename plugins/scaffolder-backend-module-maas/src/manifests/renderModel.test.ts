import fs from 'node:fs';
import path from 'node:path';
import { AuthPolicyManifest } from '@maas-portal/plugin-maas-node';
import YAML from 'yaml';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { renderModel, toYamlStream } from './renderModel';
import { validateModelSpec } from './validateModelSpec';
import {
  apiKeyAuth,
  gpuServing,
  modelInput,
  oidcAuth,
  simulatorServing,
  testDefaults,
} from '../__testUtils__/modelInputs';

const fixtures = path.join(__dirname, '__fixtures__');

const cases = {
  'gpu-api-key': modelInput({ serving: gpuServing, auth: apiKeyAuth }),
  'gpu-oidc': modelInput({ serving: gpuServing, auth: oidcAuth }),
  'simulator-api-key': modelInput({
    name: 'sim',
    serving: simulatorServing,
    auth: apiKeyAuth,
  }),
  'simulator-oidc': modelInput({
    name: 'sim',
    serving: simulatorServing,
    auth: oidcAuth,
  }),
};

function render(name: keyof typeof cases) {
  const result = validateModelSpec(cases[name], testDefaults);
  if (!result.spec) throw new Error(JSON.stringify(result.problems));
  return renderModel(result.spec);
}

describe('renderModel golden files', () => {
  it.each(Object.keys(cases) as (keyof typeof cases)[])(
    'renders %s as in its golden file',
    name => {
      const rendered = render(name);
      const documents = [...rendered.objects, ...rendered.catalogEntities];
      const file = path.join(fixtures, `${name}.yaml`);
      if (process.env.UPDATE_GOLDEN)
        fs.writeFileSync(file, toYamlStream(documents));
      // Compared as data, so that a formatter may restyle the golden files.
      const golden = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map(
        d => d.toJS(),
      );
      expect(JSON.parse(JSON.stringify(documents))).toEqual(golden);
    },
  );

  it('renders a ServingRuntime only for vLLM', () => {
    expect(render('gpu-api-key').objects.map(o => o.kind)).toEqual([
      'ServingRuntime',
      'InferenceService',
      'HTTPRoute',
      'AuthPolicy',
      'RateLimitPolicy',
      'TokenRateLimitPolicy',
    ]);
    expect(render('simulator-oidc').objects.map(o => o.kind)).not.toContain(
      'ServingRuntime',
    );
  });

  it('scopes API keys to this model and its namespace', () => {
    const auth = render('gpu-api-key').objects.find(
      o => o.kind === 'AuthPolicy',
    ) as AuthPolicyManifest;
    expect(auth.spec.targetRef).toMatchObject({
      kind: 'HTTPRoute',
      name: 'qwen3-route',
    });
    const apiKey = auth.spec.rules.authentication['api-key-users'].apiKey;
    expect(apiKey?.allNamespaces).toBe(false);
    expect(apiKey?.selector?.matchLabels).toEqual({
      'maas.kuadrant.io/model': 'qwen3',
      'maas.kuadrant.io/model-namespace': 'llm',
      'kuadrant.io/auth-secret': 'true',
    });
  });

  it("gives every tier a request and a token limit per user, with the mode's predicate", () => {
    const byKind = (name: keyof typeof cases, kind: string) =>
      render(name).objects.find(o => o.kind === kind)!.spec as any;
    expect(
      byKind('gpu-api-key', 'RateLimitPolicy').limits['premium-user-requests'],
    ).toEqual({
      rates: [{ limit: 20, window: '2m' }],
      when: [
        {
          predicate:
            'auth.identity.groups.split(",").exists(g, g == "premium")',
        },
      ],
      counters: [{ expression: 'auth.identity.userid' }],
    });
    expect(
      byKind('simulator-oidc', 'TokenRateLimitPolicy').limits[
        'free-user-tokens'
      ],
    ).toEqual({
      rates: [{ limit: 100000, window: '1m' }],
      when: [{ predicate: 'auth.identity.tier == "free"' }],
      counters: [{ expression: 'auth.identity.userid' }],
    });
  });

  it('counts OIDC users by the configured claim', () => {
    const result = validateModelSpec(
      modelInput({ auth: { ...oidcAuth, userIdClaim: 'preferred_username' } }),
      testDefaults,
    );
    const auth = renderModel(result.spec!).objects.find(
      o => o.kind === 'AuthPolicy',
    ) as any;
    expect(
      auth.spec.rules.response.success.filters.identity.json.properties.userid,
    ).toEqual({
      selector: 'auth.identity.preferred_username',
    });
  });

  it('names the entities of a model outside the portal namespace in a catalog namespace of its own', () => {
    const entitiesIn = (namespace: string, owner: string) => {
      const result = validateModelSpec(
        modelInput({ namespace, owner, system: 'maas' }),
        testDefaults,
      );
      if (!result.spec) throw new Error(JSON.stringify(result.problems));
      const rendered = renderModel(result.spec, { catalogSource: 'cluster' });
      const isvc = rendered.objects.find(o => o.kind === 'InferenceService')!;
      return { entities: rendered.catalogEntities, isvc };
    };
    const inPortal = entitiesIn('llm', 'ml-team');
    const inTeamB = entitiesIn('team-b', 'group:default/team-b');
    // The portal's namespace keeps the refs of earlier releases; another namespace is its own.
    expect(inPortal.entities.map(e => stringifyEntityRef(e))).toEqual([
      'component:default/qwen3',
      'api:default/qwen3-api',
    ]);
    expect(inTeamB.entities.map(e => stringifyEntityRef(e))).toEqual([
      'component:team-b/qwen3',
      'api:team-b/qwen3-api',
    ]);
    expect(inPortal.entities[0].metadata).not.toHaveProperty('namespace');
    // Refs written in full, so that they do not resolve in the model's catalog namespace.
    expect(inTeamB.entities[0].spec).toMatchObject({
      owner: 'group:default/team-b',
      system: 'system:default/maas',
      providesApis: ['qwen3-api'],
    });
    expect(inPortal.entities[0].spec.owner).toBe('group:default/ml-team');
    expect(inTeamB.isvc.metadata.annotations).toMatchObject({
      'maas.kuadrant.io/entity-ref': 'component:team-b/qwen3',
      'maas.kuadrant.io/model-owner': 'group:default/team-b',
    });
    expect(
      JSON.parse(
        inTeamB.isvc.metadata.annotations!['maas.kuadrant.io/catalog-entities'],
      ).map((e: Entity) => stringifyEntityRef(e)),
    ).toEqual(['component:team-b/qwen3', 'api:team-b/qwen3-api']);
  });

  it("labels every object for the entity's Kubernetes label selector", () => {
    const rendered = render('gpu-api-key');
    const selector =
      rendered.catalogEntities[0].metadata.annotations![
        'backstage.io/kubernetes-label-selector'
      ];
    expect(selector).toBe('serving.kserve.io/inferenceservice=qwen3');
    const [key, value] = selector.split('=');
    expect(
      rendered.objects.map(o => `${o.kind}:${o.metadata.labels?.[key]}`),
    ).toEqual(rendered.objects.map(o => `${o.kind}:${value}`));
  });
});
