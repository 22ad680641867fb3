import {
  HttpMethod,
  KubeConfig,
  RequestContext,
} from '@kubernetes/client-node';
import { impersonating } from './impersonate';

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://api.example:6443' }],
    users: [{ name: 'portal', token: 'portal-token' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'portal' }],
    currentContext: 'ctx',
  });
  return kc;
}

/** The header lines a request would carry, as node-fetch reads them (pairs when iterable). */
async function headerLines(kc: KubeConfig): Promise<string[][]> {
  const context = new RequestContext(
    'https://api.example:6443/api',
    HttpMethod.GET,
  );
  await kc.applySecurityAuthentication(context);
  const headers = context.getHeaders() as Record<string, string> &
    Partial<Iterable<[string, string]>>;
  return headers[Symbol.iterator]
    ? [...(headers as Iterable<[string, string]>)]
    : Object.entries(headers);
}

describe('impersonating', () => {
  it('sends the user and one Impersonate-Group line per group, with the portal credentials', async () => {
    const portal = kubeConfig();
    const lines = await headerLines(
      impersonating(portal, {
        user: 'user:default/alice',
        groups: ['group:default/team-a', 'group:default/ml'],
      }),
    );
    expect(lines).toEqual([
      ['Authorization', 'Bearer portal-token'],
      ['Impersonate-User', 'user:default/alice'],
      ['Impersonate-Group', 'group:default/team-a'],
      ['Impersonate-Group', 'group:default/ml'],
    ]);
    // The portal's own config is left as it was.
    expect(await headerLines(portal)).toEqual([
      ['Authorization', 'Bearer portal-token'],
    ]);
  });
});
