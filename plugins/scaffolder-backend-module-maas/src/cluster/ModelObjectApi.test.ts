import { KubeConfig } from '@kubernetes/client-node';
import { kubeConfigOptionsFor } from '@maas-portal/plugin-maas-node';
import { createServer, Server, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { checkModelNameFree } from './checkModelNameFree';

describe('calls to an API server that does not answer', () => {
  let server: Server;
  const sockets: Socket[] = [];
  let kubeConfig: KubeConfig;

  beforeAll(async () => {
    // Accepts connections and never says a word, as a black-holed cluster does.
    server = createServer(socket => sockets.push(socket));
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions(
      kubeConfigOptionsFor({
        name: 'black-hole',
        url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
        token: 't',
        skipTLSVerify: true,
      }),
    );
  });
  afterAll(() => {
    sockets.forEach(s => s.destroy());
    server.close();
  });

  it('fail the step within the timeout, naming the setting but not the internal address', async () => {
    const failure = checkModelNameFree({
      kubeConfig,
      name: 'qwen3',
      namespace: 'llm',
      timeoutMs: 300,
    });
    await expect(failure).rejects.toThrow(
      /Cannot check whether "qwen3" is free: .*The portal's Kubernetes API server \(config maas\.cluster\) did not answer within 300 ms/,
    );
    await expect(failure).rejects.not.toThrow(/127\.0\.0\.1|https:/);
  });
});
