import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  getHttpRouteRef,
  getInferenceServiceRef,
  MODEL_SERVER_COMPONENT_TYPE,
} from '@maas-portal/plugin-maas-common';
import { EntityModelRef } from '../entities/ModelRef';
import { REF_AND_ANNOTATIONS_FIELDS } from '../entities/catalogFields';

/**
 * The catalog's model servers the caller sees (read with their own credentials), each with the
 * model its annotations point at, as `GET /models/by-entity` resolves one; those naming no valid
 * InferenceService are left out, as they stand for no model.
 */
export async function readModelServers(
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<EntityModelRef[]> {
  const { items } = await catalog.getEntities(
    {
      filter: { kind: 'component', 'spec.type': MODEL_SERVER_COMPONENT_TYPE },
      fields: REF_AND_ANNOTATIONS_FIELDS,
    },
    { credentials },
  );
  return items.flatMap(entity => {
    const inferenceService = getInferenceServiceRef(entity);
    if (!inferenceService) return [];
    return [
      {
        entityRef: stringifyEntityRef(entity),
        inferenceService,
        route: getHttpRouteRef(entity),
      },
    ];
  });
}
