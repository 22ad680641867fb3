import { ApiException } from '@kubernetes/client-node';
import { describeKubeError, httpStatusOf } from './describeKubeError';
import { SECRET, TOKEN_RATE_LIMIT_POLICY } from './kinds';

const status = (code: number, message: string) =>
  new ApiException(
    code,
    'HTTP error',
    JSON.stringify({ kind: 'Status', message }),
    {},
  );

describe('describeKubeError', () => {
  const about = { kind: TOKEN_RATE_LIMIT_POLICY, verb: 'patch' };

  it('says the server is unreachable, in words, when it did not answer', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: { code: 'ECONNREFUSED' },
    });
    expect(describeKubeError(refused, about)).toEqual({
      type: 'unreachable',
      reason: 'connection refused',
      message: 'The Kubernetes API server is unreachable (connection refused)',
    });
    expect(httpStatusOf(refused)).toBeUndefined();
  });

  it('gives the reason of a failed request without the internal URL of the API server', () => {
    const untrusted = Object.assign(
      new Error(
        'request to https://10.0.0.1:6443/apis/kuadrant.io/v1/authpolicies failed, reason: self-signed certificate',
      ),
      { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', type: 'system' },
    );
    const failure = describeKubeError(untrusted, about);
    expect(failure).toMatchObject({ type: 'unreachable' });
    expect(failure.message).toBe(
      'The Kubernetes API server is unreachable (self-signed certificate)',
    );
  });

  it('names the product whose CRD is missing', () => {
    expect(describeKubeError(status(404, 'not found'), about)).toEqual({
      type: 'crd-missing',
      status: 404,
      message:
        'Kuadrant is not installed in the cluster: the API server does not serve TokenRateLimitPolicy (kuadrant.io/v1alpha1); install its CRDs first',
    });
  });

  it('names the verb and resource to grant when forbidden', () => {
    const failure = describeKubeError(
      status(
        403,
        'secrets is forbidden: User "maas" cannot create resource "secrets" in API group "" in the namespace "llm"',
      ),
      { kind: SECRET, verb: 'create' },
    );
    expect(failure.type).toBe('forbidden');
    expect(failure.message).toMatch(
      /^The portal's Kubernetes account \(maas\) may not create secrets in namespace "llm"; ask your cluster admin to grant it the "create" verb on "secrets" \(API group ""\) in namespace "llm"/,
    );
  });

  it.each([
    [401, 'unauthorized'],
    [409, 'conflict'],
    [422, 'invalid'],
    [500, 'other'],
  ])('sorts HTTP %p as %p, with the server message', (code, type) => {
    const failure = describeKubeError(status(code, 'the reason'), about);
    expect(httpStatusOf(status(code, 'x'))).toBe(code);
    expect(failure).toMatchObject({ type, status: code });
    expect(failure.message).toContain('the reason');
  });
});
