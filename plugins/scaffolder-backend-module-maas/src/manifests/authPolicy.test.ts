import { renderedObjects, modelInput } from '../__testUtils__/modelInputs';
import { bindKeySelectorToModel } from './authPolicy';

const authPolicyOf = (objects: object[]) =>
  objects.find(o => (o as { kind: string }).kind === 'AuthPolicy') as any;

describe('the API-key AuthPolicy', () => {
  const objects = renderedObjects(modelInput(), 'team-a');

  it('selects key Secrets of this model only, in the Kuadrant namespace', () => {
    expect(
      authPolicyOf(objects).spec.rules.authentication['api-key-users'].apiKey,
    ).toEqual({
      allNamespaces: false,
      selector: {
        matchLabels: {
          'maas.kuadrant.io/model': 'qwen3',
          'maas.kuadrant.io/model-namespace': 'team-a',
          'kuadrant.io/auth-secret': 'true',
        },
      },
    });
  });

  it("is bound to the InferenceService's UID when it is applied, without changing the rendered object", async () => {
    const rendered = authPolicyOf(objects);
    const readUid = jest.fn(async () => 'uid-1');
    const bound = await bindKeySelectorToModel(rendered, readUid);
    expect(readUid).toHaveBeenCalledWith({
      namespace: 'team-a',
      name: 'qwen3',
    });
    expect(
      bound.spec.rules.authentication['api-key-users'].apiKey.selector
        .matchLabels['maas.kuadrant.io/model-uid'],
    ).toBe('uid-1');
    expect(
      rendered.spec.rules.authentication['api-key-users'].apiKey.selector
        .matchLabels['maas.kuadrant.io/model-uid'],
    ).toBeUndefined();
  });

  it('is left as rendered while the InferenceService is missing, and other objects are never touched', async () => {
    const rendered = authPolicyOf(objects);
    expect(await bindKeySelectorToModel(rendered, async () => undefined)).toBe(
      rendered,
    );
    const readUid = jest.fn(async () => 'uid-1');
    for (const other of objects.filter(o => o !== rendered))
      expect(await bindKeySelectorToModel(other, readUid)).toBe(other);
    const oidc = authPolicyOf(
      renderedObjects(
        modelInput({
          auth: {
            type: 'oidc',
            issuerUrl: 'https://sso.example.com/realms/maas',
            tierClaim: 'tier',
          },
        }),
        'team-a',
      ),
    );
    expect(await bindKeySelectorToModel(oidc, readUid)).toBe(oidc);
    expect(readUid).not.toHaveBeenCalled();
  });
});
