import { ModelServerFilter } from './modelServerFilter';

const entity = (kind: string, type: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'm' },
  spec: { type },
});

describe('ModelServerFilter', () => {
  const filter = new ModelServerFilter();

  it('asks the catalog for model-server Components only', () => {
    expect(filter.getCatalogFilters()).toEqual({
      kind: 'component',
      'spec.type': 'model-server',
    });
  });

  it('keeps model servers and drops services and model resources', () => {
    expect(filter.filterEntity(entity('Component', 'model-server'))).toBe(true);
    expect(filter.filterEntity(entity('Component', 'service'))).toBe(false);
    expect(filter.filterEntity(entity('Resource', 'model-server'))).toBe(false);
  });
});
