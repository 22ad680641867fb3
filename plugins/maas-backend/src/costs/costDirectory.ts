import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  getHttpRouteRef,
  getInferenceServiceRef,
  MAAS_TEAM_LEADS_ANNOTATION,
  ObjectRef,
  stringifyObjectRef,
} from '@maas-portal/plugin-maas-common';
import { gatewayUserId } from '../gateway/gatewayUserId';

/** A model as the Costs page names it: its entity, its InferenceService (the price key) and System. */
export interface CostModel {
  ref: string;
  title: string;
  /** `<namespace>/<name>` of the InferenceService: what maas.pricing.models[].model names. */
  inferenceService: string;
  /** The System entity ref (`spec.system`), if any. */
  system?: string;
}

export interface CostGroup {
  ref: string;
  title: string;
  /** Child groups (`spec.children`), as entity refs. */
  children: string[];
  /** User entity refs named by the team-leads annotation. */
  leads: string[];
}

/** What the Costs page needs of the catalog, read once per request with the caller's credentials. */
export interface CostDirectory {
  /** By the gateway's user id (Limitador's `user` label). */
  users: Map<string, { ref: string; title: string; groups: string[] }>;
  groups: Map<string, CostGroup>;
  /** By Limitador's namespace of the model's route (`<route namespace>/<route name>`). */
  modelsByRoute: Map<string, CostModel>;
  systems: Map<string, string>;
}

/** The name the Costs page gives an entity: its title, a user's or group's display name, else its name. */
export const titleOf = (entity: Entity) =>
  entity.metadata.title ??
  (entity.spec?.profile as { displayName?: string } | undefined)?.displayName ??
  entity.metadata.name;

const refIn = (value: string, kind: string, namespace: string) =>
  stringifyEntityRef(
    parseEntityRef(value, { defaultKind: kind, defaultNamespace: namespace }),
  );

/** The refs an entity's `relations` of `type` point at, else its `spec` field of refs. */
function related(
  entity: Entity,
  type: string,
  specField: string,
  kind: string,
) {
  const fromRelations = (entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => r.targetRef);
  if (fromRelations.length > 0) return fromRelations;
  const spec = entity.spec?.[specField];
  return Array.isArray(spec)
    ? spec.map(v =>
        refIn(String(v), kind, entity.metadata.namespace ?? DEFAULT_NAMESPACE),
      )
    : [];
}

/** The team leads a Group's annotation names: `user:ns/name`, or a bare name in `default`. */
export function teamLeadsOf(group: Entity): string[] {
  const value = group.metadata.annotations?.[MAAS_TEAM_LEADS_ANNOTATION];
  if (!value) return [];
  return value
    .split(',')
    .map(v => v.trim())
    .filter(v => v !== '')
    .flatMap(v => {
      try {
        return [refIn(v, 'user', DEFAULT_NAMESPACE)];
      } catch {
        return [];
      }
    });
}

/**
 * Reads users, groups, model components and systems from the catalog in one call, and finds each
 * model's route: its `maas.kuadrant.io/http-route` annotation, else what the cluster says
 * (`routeOf`, the watch cache), else none (its calls are then shown under the route's name).
 */
export async function readCostDirectory(options: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  routeOf?: (inferenceService: ObjectRef) => string | undefined;
}): Promise<CostDirectory> {
  const { items } = await options.catalog.getEntities(
    {
      filter: [
        { kind: 'user' },
        { kind: 'group' },
        { kind: 'component' },
        { kind: 'system' },
      ],
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'metadata.annotations',
        'spec.profile.displayName',
        'spec.memberOf',
        'spec.children',
        'spec.system',
        'relations',
      ],
    },
    { credentials: options.credentials },
  );
  const directory: CostDirectory = {
    users: new Map(),
    groups: new Map(),
    modelsByRoute: new Map(),
    systems: new Map(),
  };
  for (const entity of items) {
    const ref = stringifyEntityRef(entity);
    const kind = entity.kind.toLocaleLowerCase('en-US');
    if (kind === 'user') {
      directory.users.set(gatewayUserId(ref), {
        ref,
        title: titleOf(entity),
        groups: related(entity, RELATION_MEMBER_OF, 'memberOf', 'group'),
      });
    } else if (kind === 'group') {
      directory.groups.set(ref, {
        ref,
        title: titleOf(entity),
        children: related(entity, 'parentOf', 'children', 'group'),
        leads: teamLeadsOf(entity),
      });
    } else if (kind === 'system') {
      directory.systems.set(ref, titleOf(entity));
    } else {
      const isvc = getInferenceServiceRef(entity);
      if (!isvc) continue;
      const routeRef = getHttpRouteRef(entity);
      const route = routeRef
        ? stringifyObjectRef(routeRef)
        : options.routeOf?.(isvc);
      if (!route) continue;
      const system = entity.spec?.system;
      directory.modelsByRoute.set(route, {
        ref,
        title: titleOf(entity),
        inferenceService: stringifyObjectRef(isvc),
        system:
          typeof system === 'string' && system !== ''
            ? refIn(
                system,
                'system',
                entity.metadata.namespace ?? DEFAULT_NAMESPACE,
              )
            : undefined,
      });
    }
  }
  return directory;
}

/** The groups `userRef` leads, with all their descendants (`spec.children`, transitively). */
export function groupsLedBy(
  directory: CostDirectory,
  userRef: string,
): string[] {
  const led = [...directory.groups.values()]
    .filter(g => g.leads.includes(userRef))
    .map(g => g.ref);
  const seen = new Set<string>();
  const visit = (ref: string) => {
    if (seen.has(ref)) return;
    seen.add(ref);
    for (const child of directory.groups.get(ref)?.children ?? []) visit(child);
  };
  led.forEach(visit);
  return [...seen].sort();
}
