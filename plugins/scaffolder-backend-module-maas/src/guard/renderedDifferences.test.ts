import { MAAS_CATALOG_ENTITIES_ANNOTATION } from '@maas-portal/plugin-maas-common';
import { validateModelSpec } from '../manifests/validateModelSpec';
import { renderModel } from '../manifests/renderModel';
import { modelInput, testDefaults } from '../__testUtils__/modelInputs';
import { renderedDifferences } from './renderedDifferences';

function rendered() {
  const result = validateModelSpec(modelInput(), testDefaults);
  if (!result.spec) throw new Error(JSON.stringify(result.problems));
  return renderModel(result.spec, { catalogSource: 'cluster' }).objects;
}
/** As the template hands the render's output to apply: through JSON. */
const handedOver = () => JSON.parse(JSON.stringify(rendered())) as any[];

describe('renderedDifferences', () => {
  it('M7: finds none in the unmodified render', () => {
    expect(renderedDifferences(handedOver(), rendered())).toEqual([]);
  });

  it("M7: names another owner inside the InferenceService's catalog entities, field by field", () => {
    const objects = handedOver();
    const isvc = objects.find(o => o.kind === 'InferenceService');
    const entities = JSON.parse(
      isvc.metadata.annotations[MAAS_CATALOG_ENTITIES_ANNOTATION],
    );
    entities[0].spec.owner = 'group:default/team-b';
    isvc.metadata.annotations[MAAS_CATALOG_ENTITIES_ANNOTATION] =
      JSON.stringify(entities);
    expect(renderedDifferences(objects, rendered())).toEqual([
      `InferenceService llm/qwen3: metadata.annotations["${MAAS_CATALOG_ENTITIES_ANNOTATION}"][0].spec.owner is "group:default/team-b"; maas:model:render writes "group:default/ml-team"`,
    ]);
  });

  it('LOW: shows an object or list by its keys or length, never as a dump', () => {
    const objects = handedOver();
    const policy = objects.find(o => o.kind === 'AuthPolicy');
    policy.spec.rules.authorization = 'allow';
    const route = objects.find(o => o.kind === 'HTTPRoute');
    route.spec.hostnames = { evil: 'http://169.254.169.254' };
    const found = renderedDifferences(objects, rendered());
    expect(found.sort()).toEqual([
      'AuthPolicy llm/qwen3-auth: spec.rules.authorization is "allow"; maas:model:render writes an object with allow-tiers, unexpired-key',
      'HTTPRoute llm/qwen3-route: spec.hostnames is an object with evil; maas:model:render writes a list of 1',
    ]);
    expect(found.join()).not.toContain('{"');
  });

  it('M7: names a missing field and a left-out or extra object', () => {
    const objects = handedOver();
    delete objects.find(o => o.kind === 'HTTPRoute').spec.parentRefs[0]
      .namespace;
    expect(renderedDifferences(objects, rendered())[0]).toMatch(
      /^HTTPRoute llm\/qwen3-route: spec\.parentRefs\[0\]\.namespace is missing; maas:model:render writes "/,
    );
    const withoutPolicy = handedOver().filter(o => o.kind !== 'AuthPolicy');
    expect(renderedDifferences(withoutPolicy, rendered())).toEqual([
      'the objects are ServingRuntime llm/qwen3-vllm, InferenceService llm/qwen3, HTTPRoute llm/qwen3-route, RateLimitPolicy llm/qwen3-rate-limits, TokenRateLimitPolicy llm/qwen3-token-limits; maas:model:render writes ServingRuntime llm/qwen3-vllm, InferenceService llm/qwen3, HTTPRoute llm/qwen3-route, AuthPolicy llm/qwen3-auth, RateLimitPolicy llm/qwen3-rate-limits, TokenRateLimitPolicy llm/qwen3-token-limits for this model',
    ]);
  });
});
