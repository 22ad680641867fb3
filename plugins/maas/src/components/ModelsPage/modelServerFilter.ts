import { Entity } from '@backstage/catalog-model';
import { EntityFilter } from '@backstage/plugin-catalog-react';
import { MODEL_SERVER_COMPONENT_TYPE } from '@maas-portal/plugin-maas-common';

/** The catalog's model servers: Components of type `model-server`, as the portal registers them. */
export class ModelServerFilter implements EntityFilter {
  getCatalogFilters() {
    return { kind: 'component', 'spec.type': MODEL_SERVER_COMPONENT_TYPE };
  }

  filterEntity(entity: Entity): boolean {
    return (
      entity.kind.toLocaleLowerCase('en-US') === 'component' &&
      entity.spec?.type === MODEL_SERVER_COMPONENT_TYPE
    );
  }
}
