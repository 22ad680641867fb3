import { users } from '../__testUtils__/users';
import { impersonatedUser } from './impersonatedUser';

describe('impersonatedUser', () => {
  it('names the user and their catalog groups by their refs, by default', () => {
    expect(
      impersonatedUser(users.devA, { user: '{ref}', group: '{ref}' }),
    ).toEqual({
      user: 'user:default/alice',
      groups: ['group:default/team-a'],
    });
  });

  it('puts the ref into the configured form, e.g. the API server OIDC prefix', () => {
    expect(
      impersonatedUser(users.admin, {
        user: 'oidc:{name}',
        group: 'oidc:{namespace}-{name}',
      }),
    ).toEqual({ user: 'oidc:ada', groups: ['oidc:default-platform-team'] });
  });

  it('refuses a task without a signed-in user', () => {
    expect(() =>
      impersonatedUser(
        { ownershipEntityRefs: [] },
        { user: '{ref}', group: '{ref}' },
      ),
    ).toThrow(
      'maas.cluster.impersonateUsers is on, and this task has no signed-in user to apply as',
    );
  });
});
