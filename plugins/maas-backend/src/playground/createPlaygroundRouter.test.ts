import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import express from 'express';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { createPlaygroundRouter } from './createPlaygroundRouter';
import { PlaygroundService } from './PlaygroundService';
import { ModelLookup } from '../permissions/lookupModel';

/*
 * The route behind Backstage's own compression middleware (the root router runs it in front of every
 * plugin): each chunk of the model's stream reaches a browser that accepts gzip before the next one is
 * sent, instead of waiting in the compressor's buffer; and a browser that goes away mid-answer (Stop, a
 * closed tab) ends the portal's call to the model. The model is a local server that sends its second
 * chunk only once the client has read the first (or never); the lookup (permission and catalog) is
 * stubbed, as it is the edge of this test: playground.cluster.test.ts runs the real one.
 */

const listen = async (server: http.Server) => {
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/**
 * The playground route behind Backstage's compression middleware, calling the model at `modelUrl`; the
 * lookup (permission and catalog) is stubbed, the edge of these tests.
 */
async function startPortal(modelUrl: string) {
  const lookupModel = (async () => ({
    credentials: mockCredentials.user('user:default/jane'),
    ref: { entityRef: 'component:default/qwen3' },
    service: {
      getModel: () => ({
        modelName: 'qwen3',
        authMode: 'api-key',
        route: { found: true, hostnames: ['qwen3.maas.local'] },
      }),
    },
  })) as unknown as ModelLookup;
  const app = express();
  app.use(
    MiddlewareFactory.create({
      config: new ConfigReader({}),
      logger: mockServices.logger.mock(),
    }).compression(),
  );
  app.use(express.json());
  app.use(
    createPlaygroundRouter({
      lookupModel,
      playground: new PlaygroundService({
        scheme: 'http',
        gatewayUrl: modelUrl,
        logger: mockServices.logger.mock(),
      }),
      quotaOf: async () => {
        throw new Error('not asked: the call is answered');
      },
    }),
  );
  const portal = http.createServer(app);
  const portalUrl = await listen(portal);
  return { portal, portalUrl };
}

describe('createPlaygroundRouter', () => {
  it('passes each chunk of the stream on at once, through compression', async () => {
    let firstRead!: () => void;
    const clientReadFirst = new Promise<void>(r => (firstRead = r));
    const model = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n');
      clientReadFirst.then(() =>
        res.end(
          'data: {"choices":[{"delta":{"content":"lo"}}]}\n\ndata: [DONE]\n\n',
        ),
      );
    });
    const modelUrl = await listen(model);

    const { portal, portalUrl } = await startPortal(modelUrl);

    try {
      const received = await new Promise<string>((resolve, reject) => {
        const req = http.request(
          `${portalUrl}/models/by-entity/playground?entityRef=component:default/qwen3`,
          {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'Accept-Encoding': 'gzip',
            },
          },
          res => {
            expect(res.headers['content-encoding']).toBe('gzip');
            let text = '';
            const gunzip = res.pipe(zlib.createGunzip());
            gunzip.on('data', (chunk: Buffer) => {
              text += chunk.toString('utf8');
              if (text.includes('"Hel"')) firstRead();
            });
            gunzip.on('end', () => resolve(text));
            gunzip.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(
          JSON.stringify({
            messages: [{ role: 'user', content: 'Hello' }],
            credential: 'maas_k',
          }),
        );
        // Without a flush per chunk the first one waits in the compressor and the model never sends more.
        const timer = setTimeout(
          () => reject(new Error('the first chunk did not arrive within 5 s')),
          5000,
        );
        clientReadFirst.then(() => clearTimeout(timer));
      });
      expect(received).toBe(
        'data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n' +
          'data: {"choices":[{"delta":{"content":"lo"}}]}\n\ndata: [DONE]\n\n',
      );
    } finally {
      portal.closeAllConnections();
      model.closeAllConnections();
      await new Promise(r => portal.close(r));
      await new Promise(r => model.close(r));
    }
  });

  it('closes its call to the model when the browser goes away mid-answer', async () => {
    let modelSawClose!: () => void;
    const closed = new Promise<void>(r => (modelSawClose = r));
    // A model that sends one chunk and then nothing: only the portal closing the call ends it.
    const model = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n');
      res.on('close', () => modelSawClose());
    });
    const modelUrl = await listen(model);
    const { portal, portalUrl } = await startPortal(modelUrl);
    try {
      const browser = http.request(
        `${portalUrl}/models/by-entity/playground?entityRef=component:default/qwen3`,
        { method: 'POST', headers: { 'Content-Type': 'application/json' } },
      );
      browser.on('error', () => {});
      const firstChunk = new Promise<void>(resolve =>
        browser.on('response', res => res.once('data', () => resolve())),
      );
      browser.end(
        JSON.stringify({
          messages: [{ role: 'user', content: 'Hello' }],
          credential: 'maas_k',
        }),
      );
      await firstChunk;
      // The browser goes away (Stop, or the tab closed).
      browser.destroy();
      const closedInTime = await Promise.race([
        closed.then(() => true),
        new Promise(r => setTimeout(() => r(false), 2000)),
      ]);
      expect(closedInTime).toBe(true);
    } finally {
      portal.closeAllConnections();
      model.closeAllConnections();
      await new Promise(r => portal.close(r));
      await new Promise(r => model.close(r));
    }
  });
});
