import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_MEMBER_OF,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { maasModelReadPermission } from '@maas-portal/plugin-maas-common';
import {
  isPortalAdmin,
  portalPolicyHolders,
} from '@maas-portal/plugin-maas-node';

/** The targets of an entity's relations of `type`, else (a catalog that computes none) its `spec` field. */
function related(
  entity: Entity | undefined,
  type: string,
  specField: 'owner' | 'memberOf',
  defaultKind: string,
): string[] {
  const fromRelations = (entity?.relations ?? [])
    .filter(r => r.type === type)
    .map(r => r.targetRef);
  if (fromRelations.length || !entity) return fromRelations;
  const spec = entity.spec?.[specField];
  let refs: unknown[] = [];
  if (Array.isArray(spec)) refs = spec;
  else if (spec) refs = [spec];
  return refs
    .filter((r): r is string => typeof r === 'string')
    .map(r => stringifyEntityRef(parseEntityRef(r, { defaultKind })));
}

/**
 * Whether a user may see a model (`maas.model.read` on its entity) when no request of theirs is at
 * hand: a scheduled task telling a user about their limits. Backstage's permission service decides
 * only for a caller's own token, so this asks the example policy's table (`portalPolicyHolders` of
 * maas-node, the rules packages/backend's policy decides by) over the catalog: the user's groups
 * (`memberOf`), the model's owner (`ownedBy`) and `maas.adminGroups`. A user or model the catalog
 * does not hold (someone who left, a model removed) may see nothing.
 */
export class ModelReaders {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #adminGroups: string[];

  constructor(options: {
    catalog: CatalogService;
    auth: AuthService;
    adminGroups: string[];
  }) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#adminGroups = options.adminGroups;
  }

  /** The owners of the model's entity (`spec.owner`, as its `ownedBy` relation); none when it is gone. */
  async owners(entityRef: string): Promise<string[]> {
    const entity = await this.#catalog.getEntityByRef(entityRef, {
      credentials: await this.#auth.getOwnServiceCredentials(),
    });
    return related(entity, RELATION_OWNED_BY, 'owner', 'group');
  }

  /** Whether each of `users` may read the model of `entityRef`, by user ref. */
  async mayRead(
    users: string[],
    entityRef: string,
  ): Promise<Map<string, boolean>> {
    const refs = [entityRef, ...users];
    const { items } = await this.#catalog.getEntitiesByRefs(
      { entityRefs: refs, fields: ['kind', 'metadata', 'relations', 'spec'] },
      { credentials: await this.#auth.getOwnServiceCredentials() },
    );
    const [model, ...userEntities] = items;
    const holders = portalPolicyHolders(maasModelReadPermission);
    const owners = related(model, RELATION_OWNED_BY, 'owner', 'group');
    return new Map(
      users.map((user, i) => {
        const entity = userEntities[i];
        if (!model || !entity) return [user, false];
        const ownership = [
          user,
          ...related(entity, RELATION_MEMBER_OF, 'memberOf', 'group'),
        ];
        const admin = isPortalAdmin(ownership, this.#adminGroups);
        const allowed =
          holders === 'everyone' ||
          admin ||
          (holders === 'owners' && owners.some(o => ownership.includes(o)));
        return [user, allowed];
      }),
    );
  }
}
