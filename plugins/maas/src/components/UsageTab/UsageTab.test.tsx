import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { MaasStatus } from '@maas-portal/plugin-maas-common';
import { MaasApi, maasApiRef } from '../../api/MaasApi';
import { UsageTab } from './UsageTab';

const status = (overrides: Partial<MaasStatus>): MaasStatus => ({
  cluster: { state: 'connected', message: 'Connected to https://k8s (Kubernetes v1.20.2).' },
  prometheus: { state: 'connected', message: 'Connected to Prometheus.' },
  namespace: 'llm',
  gateway: { namespace: 'llm', name: 'inference-gateway' },
  domainSuffix: 'maas.local',
  tiers: [],
  ...overrides,
});

function renderWith(api: Partial<MaasApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[maasApiRef, api]]}>
      <UsageTab />
    </TestApiProvider>,
  );
}

describe('UsageTab', () => {
  it('says plainly that no cluster is connected, and what to do', async () => {
    await renderWith({
      getStatus: async () =>
        status({
          cluster: { state: 'not-configured', message: 'No cluster is connected. Set maas.cluster.kubeconfig.' },
        }),
    });
    expect(await screen.findByText('No cluster connected')).toBeInTheDocument();
    expect(screen.getByText(/Set maas\.cluster\.kubeconfig/)).toBeInTheDocument();
  });

  it('names an unreachable Prometheus', async () => {
    await renderWith({
      getStatus: async () =>
        status({ prometheus: { state: 'unreachable', message: 'Prometheus at http://p:9090 is unreachable.' } }),
    });
    expect(await screen.findByText('Prometheus is unreachable')).toBeInTheDocument();
    expect(screen.queryByText('No cluster connected')).not.toBeInTheDocument();
  });

  it('shows the backend error when the status cannot be read', async () => {
    await renderWith({ getStatus: async () => Promise.reject(new Error('backend is down')) });
    expect((await screen.findAllByText(/backend is down/)).length).toBeGreaterThan(0);
  });
});
