import { parseEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { ImpersonatedUser } from '@maas-portal/plugin-maas-node';
import { CreateRules } from '../config/readCreateRules';
import { Creator } from './createRefusals';

/** `{ref}`, `{kind}`, `{namespace}`, `{name}` of a catalog ref, put into `format`. */
export function formatRef(format: string, ref: string): string {
  const { kind, namespace, name } = parseEntityRef(ref);
  return format
    .replaceAll('{ref}', ref)
    .replaceAll('{kind}', kind)
    .replaceAll('{namespace}', namespace)
    .replaceAll('{name}', name);
}

/**
 * Who the API server should see when `maas.cluster.impersonateUsers` is on: the creator's user
 * name and their catalog groups, each in the form `maas.cluster.impersonation.{user,group}` says
 * (default the entity ref, e.g. `user:default/alice`, `group:default/team-a`).
 */
export function impersonatedUser(
  creator: Creator,
  impersonation: CreateRules['impersonation'],
): ImpersonatedUser {
  if (!creator.userEntityRef) {
    throw new NotAllowedError(
      'maas.cluster.impersonateUsers is on, and this task has no signed-in user to apply as',
    );
  }
  return {
    user: formatRef(impersonation.user, creator.userEntityRef),
    groups: creator.ownershipEntityRefs
      .filter(ref => ref.startsWith('group:'))
      .map(ref => formatRef(impersonation.group, ref)),
  };
}
