import { gatewayUserId } from './gatewayUserId';

describe('gatewayUserId', () => {
  it('gives two users of the same name in two catalog namespaces two ids', () => {
    const a = gatewayUserId('user:team-a/jane');
    const b = gatewayUserId('user:team-b/jane');
    expect(a).toBe('team-a/jane');
    expect(b).toBe('team-b/jane');
    expect(gatewayUserId('user:default/jane')).not.toBe(a);
  });

  it('keeps the id keys issued before had for a user of the default namespace', () => {
    expect(gatewayUserId('user:default/jane.doe')).toBe('jane.doe');
    expect(gatewayUserId('user:jane.doe')).toBe('jane.doe');
  });
});
