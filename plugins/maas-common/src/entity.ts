import { Entity } from '@backstage/catalog-model';
import {
  MAAS_HTTP_ROUTE_ANNOTATION,
  MAAS_INFERENCE_SERVICE_ANNOTATION,
} from './annotations';

/**
 * A namespaced Kubernetes object name.
 *
 * @public
 */
export interface ObjectRef {
  namespace: string;
  name: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * True for a DNS-1123 label: what Kubernetes accepts as a namespace or object name here.
 *
 * @public
 */
export function isDnsLabel(value: string): boolean {
  return DNS_LABEL.test(value);
}

/**
 * Parses `<namespace>/<name>`; returns undefined for anything else, so that a mistyped
 * annotation shows as "not a model" rather than as a request for a wrong object.
 *
 * @public
 */
export function parseObjectRef(
  value: string | undefined,
): ObjectRef | undefined {
  if (!value) return undefined;
  const parts = value.trim().split('/');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts;
  if (!isDnsLabel(namespace) || !isDnsLabel(name)) return undefined;
  return { namespace, name };
}

/** @public */
export function stringifyObjectRef(ref: ObjectRef): string {
  return `${ref.namespace}/${ref.name}`;
}

/**
 * The InferenceService an entity stands for, from its annotation.
 *
 * @public
 */
export function getInferenceServiceRef(entity: Entity): ObjectRef | undefined {
  return parseObjectRef(
    entity.metadata.annotations?.[MAAS_INFERENCE_SERVICE_ANNOTATION],
  );
}

/**
 * The HTTPRoute that exposes an entity's model, from its annotation.
 *
 * @public
 */
export function getHttpRouteRef(entity: Entity): ObjectRef | undefined {
  return parseObjectRef(
    entity.metadata.annotations?.[MAAS_HTTP_ROUTE_ANNOTATION],
  );
}

/**
 * Entity guard: does this entity carry the suite's annotations (and so get a Usage tab)?
 *
 * @public
 */
export function isMaasAvailable(entity: Entity): boolean {
  return getInferenceServiceRef(entity) !== undefined;
}
