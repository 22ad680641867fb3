/* The catalog's Groups, Users and Systems the tests' models name (a model's owner and System must be in it). */
import { Entity } from '@backstage/catalog-model';

const entity = (kind: string, name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default' },
  spec: {},
});

export const TEST_ORG: Entity[] = [
  ...['ml-team', 'team-a', 'team-b', 'platform-team', 'sample'].map(name =>
    entity('Group', name),
  ),
  ...['alice', 'bob', 'ada'].map(name => entity('User', name)),
  ...['maas', 'sample'].map(name => entity('System', name)),
];
