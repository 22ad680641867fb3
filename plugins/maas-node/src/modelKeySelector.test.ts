import { keyModelOf, modelKeySelector } from './modelKeySelector';

describe('modelKeySelector', () => {
  const model = { namespace: 'team-a', name: 'qwen3', uid: 'u-1' };

  it('selects by namespace, name and UID, so two models never share a key', () => {
    const a = modelKeySelector(model);
    const sameNameOtherNamespace = modelKeySelector({
      ...model,
      namespace: 'team-b',
    });
    const recreated = modelKeySelector({ ...model, uid: 'u-2' });
    expect(a).toEqual({
      'maas.kuadrant.io/model': 'qwen3',
      'maas.kuadrant.io/model-namespace': 'team-a',
      'maas.kuadrant.io/model-uid': 'u-1',
      'kuadrant.io/auth-secret': 'true',
    });
    expect(sameNameOtherNamespace).not.toEqual(a);
    expect(recreated).not.toEqual(a);
  });

  it('reads back the model a Secret is for, and nothing from an old-layout Secret', () => {
    expect(keyModelOf(modelKeySelector(model))).toEqual(model);
    expect(keyModelOf({ 'maas.kuadrant.io/model': 'qwen3' })).toBeUndefined();
  });
});
