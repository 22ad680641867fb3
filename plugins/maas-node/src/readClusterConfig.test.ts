import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  readClusterConfig,
} from './readClusterConfig';

describe('readClusterConfig', () => {
  it('has one default for the request timeout', () => {
    expect(readClusterConfig(new ConfigReader({}))).toEqual({
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    });
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(10_000);
  });

  it('reads the kubeconfig path and the timeout', () => {
    expect(
      readClusterConfig(
        new ConfigReader({
          maas: { cluster: { kubeconfig: '/k', requestTimeoutMs: 300 } },
        }),
      ),
    ).toEqual({ kubeconfig: '/k', requestTimeoutMs: 300 });
  });

  it('names the key of a bad timeout', () => {
    expect(() =>
      readClusterConfig(
        new ConfigReader({ maas: { cluster: { requestTimeoutMs: 0 } } }),
      ),
    ).toThrow('maas.cluster.requestTimeoutMs: 0 must be above 0');
  });
});
