import { NotFoundError } from '@backstage/errors';
import { catalogUserName, preferredUsernameResolver } from './oidcSignIn';

// The resolver's mapping alone; the catalog lookup (signInWithCatalogUser) is the auth plugin's, so
// this test stands in for it at its edge. The real sign-in through the harness's provider and
// catalog is packages/e2e/src/signin.exclusive.test.ts.
function resolve(userinfo: Record<string, unknown>, known = ['jane']) {
  const signInWithCatalogUser = jest.fn(
    async ({ entityRef }: { entityRef: { name: string } }) => {
      if (!known.includes(entityRef.name))
        throw new NotFoundError('User not found');
      return { token: `token-of-${entityRef.name}` };
    },
  );
  const result = preferredUsernameResolver(
    { result: { fullProfile: { userinfo } } } as any,
    { signInWithCatalogUser } as any,
  );
  return { result, signInWithCatalogUser };
}

describe('OIDC sign-in', () => {
  it('names the catalog User by preferred_username, else by the email local part', () => {
    expect(
      catalogUserName({ preferred_username: 'jane', email: 'x@example.com' }),
    ).toBe('jane');
    expect(catalogUserName({ email: 'bob@example.com' })).toBe('bob');
    expect(catalogUserName({ sub: '1234' })).toBeUndefined();
  });

  it('signs jane in as user:default/jane from the catalog (whose memberOf gives her groups)', async () => {
    const { result, signInWithCatalogUser } = resolve({
      preferred_username: 'jane',
    });
    await expect(result).resolves.toEqual({ token: 'token-of-jane' });
    expect(signInWithCatalogUser).toHaveBeenCalledWith({
      entityRef: { name: 'jane' },
    });
  });

  it('refuses a person the catalog does not know, saying what an administrator adds', async () => {
    await expect(
      resolve({ preferred_username: 'mallory' }).result,
    ).rejects.toThrow(
      'No catalog User "user:default/mallory" for this sign-in; an administrator adds one (kind: User, with its groups in spec.memberOf) to the catalog.',
    );
  });

  it('refuses userinfo without a name, and a name that is not an entity name', async () => {
    await expect(resolve({ sub: '42' }).result).rejects.toThrow(
      /neither preferred_username nor email/,
    );
    await expect(
      resolve({ preferred_username: 'jane doe' }).result,
    ).rejects.toThrow(/"jane doe" .* is not a catalog entity name/);
  });
});
