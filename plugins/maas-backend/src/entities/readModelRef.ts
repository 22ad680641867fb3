import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  getHttpRouteRef,
  getInferenceServiceRef,
  MAAS_INFERENCE_SERVICE_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import { EntityModelRef } from './ModelRef';

/** Parses an entity ref from a query string, or says what a valid one looks like. */
export function parseEntityRefParam(value: unknown): CompoundEntityRef {
  if (typeof value !== 'string' || value.length === 0 || value.length > 400) {
    throw new InputError('entityRef is required, e.g. component:default/qwen3');
  }
  try {
    return parseEntityRef(value, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `entityRef "${value}" is not an entity reference: ${
        (error as Error).message
      }`,
    );
  }
}

/** The model an entity stands for, read from the catalog with the caller's own credentials. */
export async function readModelRef(
  catalog: CatalogService,
  entityRef: CompoundEntityRef,
  credentials: BackstageCredentials,
): Promise<EntityModelRef> {
  const ref = stringifyEntityRef(entityRef);
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (!entity)
    throw new NotFoundError(
      `No entity ${ref} in the catalog (or you may not see it)`,
    );
  const inferenceService = getInferenceServiceRef(entity);
  if (!inferenceService) {
    throw new NotFoundError(
      `${ref} is not a model: it has no valid ${MAAS_INFERENCE_SERVICE_ANNOTATION} annotation (<namespace>/<name>)`,
    );
  }
  return { inferenceService, route: getHttpRouteRef(entity), entityRef: ref };
}
