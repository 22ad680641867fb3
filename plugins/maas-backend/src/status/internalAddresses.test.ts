import { mockCredentials } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import {
  createInternalAddressFilter,
  HIDDEN_ADDRESS,
  hideInternalAddresses,
} from './internalAddresses';

const SERVER = 'https://10.0.0.1:6443';
const PROMETHEUS = 'http://prometheus.monitoring:9090';
const PATH = '/etc/portal/kubeconfig';

describe('hideInternalAddresses', () => {
  it('keeps the sentence, hides each address in it, and leaves out fields that are one', () => {
    expect(
      hideInternalAddresses(
        {
          cluster: {
            state: 'connected',
            message: `Connected to ${SERVER} (Kubernetes v1.35.0) through kubeconfig ${PATH}.`,
            server: SERVER,
            version: 'v1.35.0',
          },
          failures: [`Prometheus at ${PROMETHEUS}/api is unreachable`],
          count: 3,
        },
        [SERVER, PATH, PROMETHEUS],
      ),
    ).toEqual({
      cluster: {
        state: 'connected',
        message: `Connected to ${HIDDEN_ADDRESS} (Kubernetes v1.35.0) through kubeconfig ${HIDDEN_ADDRESS}.`,
        version: 'v1.35.0',
      },
      failures: [`Prometheus at ${HIDDEN_ADDRESS}/api is unreachable`],
      count: 3,
    });
  });

  it('hides the longer of two overlapping addresses whole', () => {
    expect(
      hideInternalAddresses('at http://p:9090/prom', [
        'http://p:9090',
        'http://p:9090/prom',
      ]),
    ).toBe(`at ${HIDDEN_ADDRESS}`);
  });
});

describe('createInternalAddressFilter', () => {
  const app = express();
  app.use(
    createInternalAddressFilter({
      addresses: [SERVER, undefined, PATH],
      credentials: async req => {
        const user = req.header('x-user');
        if (!user) throw new Error('no credentials');
        return mockCredentials.user(user);
      },
      isAdmin: async c =>
        (c.principal as { userEntityRef: string }).userEntityRef ===
        'user:default/ops',
    }),
  );
  app.get('/status', (_req, res) => {
    res.json({ message: `Connected to ${SERVER}`, server: SERVER });
  });
  app.get('/fails', (_req, res) => {
    res.status(503).json({ error: { message: `No file at ${PATH}` } });
  });

  it('shows addresses to an admin only', async () => {
    const admin = await request(app)
      .get('/status')
      .set('x-user', 'user:default/ops');
    expect(admin.body).toEqual({
      message: `Connected to ${SERVER}`,
      server: SERVER,
    });
    for (const user of ['user:default/jane', undefined]) {
      const req = request(app).get('/status');
      const res = await (user ? req.set('x-user', user) : req);
      expect(res.body).toEqual({ message: `Connected to ${HIDDEN_ADDRESS}` });
    }
  });

  it('hides them in error answers too', async () => {
    const res = await request(app)
      .get('/fails')
      .set('x-user', 'user:default/jane');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe(`No file at ${HIDDEN_ADDRESS}`);
  });
});
