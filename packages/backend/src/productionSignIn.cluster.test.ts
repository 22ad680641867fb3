/*
 * The portal's backend as the image runs it — `packages/backend` with exactly app-config.yaml and
 * app-config.production.yaml, NODE_ENV=production, the harness's PostgreSQL — and people signing in
 * over real HTTP through the harness's OpenID Connect provider (its password page, then Backstage's
 * /handler/frame answer), against the real catalog loaded from an organization file.
 *
 * M0: without the OIDC variables the backend exits naming them; with them, jane, bob and ops sign
 * in as their Users with their groups. H2: accounts that merely look like someone (named `guest`,
 * jane's user name at another domain, the admin's email unverified) are nobody; a second jane in
 * another catalog namespace is herself. M1: the backend says at start that self-approval is off.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  backstageOidcSignIn,
  BackstageSignInResult,
  eventually,
  harnessEnv,
} from '@maas-portal/harness/testing';
import { ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(600_000);

const root = resolvePackagePath('backend', '..', '..');

/** The organization file of this test: the example org and a second jane in namespace `partners`. */
const ORG = `${readFileSync(join(root, 'examples', 'org.yaml'), 'utf8')}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: partner-team
  namespace: partners
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: jane
  namespace: partners
  annotations:
    maas.kuadrant.io/oidc-subject: partner-jane
spec:
  profile:
    email: jane@partner.example
  memberOf: [partner-team]
`;

const OIDC_VARIABLES = [
  'MAAS_OIDC_ISSUER',
  'MAAS_OIDC_CLIENT_ID',
  'MAAS_OIDC_CLIENT_SECRET',
  'MAAS_AUTH_SESSION_SECRET',
];

function freePort(): Promise<number> {
  return new Promise(resolve => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Backend {
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts `packages/backend` as the image's CMD does, in a directory holding what the image holds
 * (catalog-info.yaml, templates) and the organization file production loads (./org.yaml). The
 * environment is the Helm values': PostgreSQL, base URLs, the listen port; `oidc` adds the
 * harness's OIDC variables.
 */
async function startProductionBackend(oidc: boolean): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'maas-production-'));
  copyFileSync(join(root, 'catalog-info.yaml'), join(dir, 'catalog-info.yaml'));
  symlinkSync(join(root, 'templates'), join(dir, 'templates'));
  writeFileSync(join(dir, 'org.yaml'), ORG);
  // The image's /app is a workspace root; Backstage looks for its package.json from the cwd.
  writeFileSync(
    join(dir, 'package.json'),
    '{"name":"maas-image-root","private":true}',
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const pg = new URL(harnessEnv('MAAS_HARNESS_POSTGRES_URL'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    NODE_OPTIONS: '--no-node-snapshot',
    POSTGRES_HOST: pg.hostname,
    POSTGRES_PORT: pg.port,
    POSTGRES_USER: decodeURIComponent(pg.username),
    POSTGRES_PASSWORD: decodeURIComponent(pg.password),
    APP_BASE_URL: url,
    BACKEND_BASE_URL: url,
    // As the Helm chart sets the port; 127.0.0.1 so that nothing outside this machine reaches it.
    APP_CONFIG_backend_listen_port: String(port),
    APP_CONFIG_backend_listen_host: '127.0.0.1',
    // Plugin databases of their own on the shared PostgreSQL.
    APP_CONFIG_backend_database_prefix: `maas_prod_${port}_`,
    KUBECONFIG: harnessEnv('MAAS_HARNESS_KUBECONFIG'),
    ...(oidc
      ? Object.fromEntries(OIDC_VARIABLES.map(v => [v, harnessEnv(v)]))
      : {}),
  };
  let output = '';
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      join(root, 'packages', 'backend', 'src', 'index.ts'),
      '--config',
      join(root, 'app-config.yaml'),
      '--config',
      join(root, 'app-config.production.yaml'),
    ],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const exited = new Promise<number | null>(r =>
    child.once('exit', code => r(code)),
  );
  return { url, child, output: () => output, exited };
}

async function stop(backend?: Backend) {
  if (!backend || backend.child.exitCode !== null) return;
  backend.child.kill('SIGTERM');
  const killed = setTimeout(() => backend.child.kill('SIGKILL'), 15_000);
  await backend.exited;
  clearTimeout(killed);
}

describe('the production config files, run as the image runs them', () => {
  it('M0: without the OIDC variables the backend exits, naming each one, without a stack trace', async () => {
    const backend = await startProductionBackend(false);
    try {
      const code = await Promise.race([
        backend.exited,
        new Promise<'running'>(r => setTimeout(() => r('running'), 240_000)),
      ]);
      expect(code).not.toBe('running');
      expect(code).not.toBe(0);
      expect(backend.output()).toContain('The backend did not start:');
      expect(backend.output()).toContain(
        'OIDC sign-in is configured (auth.providers.oidc) but auth.providers.oidc.production.metadataUrl, ' +
          'auth.providers.oidc.production.clientId, auth.providers.oidc.production.clientSecret, ' +
          'auth.session.secret are not set: set MAAS_OIDC_ISSUER, MAAS_OIDC_CLIENT_ID, ' +
          "MAAS_OIDC_CLIENT_SECRET, MAAS_AUTH_SESSION_SECRET in the backend's environment",
      );
      expect(backend.output()).not.toMatch(/\n\s+at .*oidcSignIn/);
    } finally {
      await stop(backend);
    }
  });

  describe('with the OIDC variables set', () => {
    let backend: Backend;
    const signIn = (username: string) =>
      backstageOidcSignIn(backend.url, username, { env: 'production' });
    const signedInAs = (result: BackstageSignInResult) =>
      result.identity?.identity.userEntityRef ?? result.error?.message;

    beforeAll(async () => {
      backend = await startProductionBackend(true);
      await eventually(
        async () => {
          if (backend.child.exitCode !== null)
            throw new Error(`the backend exited:\n${backend.output()}`);
          const res = await fetch(
            `${backend.url}/.backstage/health/v1/readiness`,
          );
          if (res.status !== 200)
            throw new Error(`the backend is not ready: ${res.status}`);
        },
        300_000,
        1000,
      );
      // The catalog reads the organization file once it runs: jane's User is there when she can sign in.
      await eventually(
        async () => {
          const jane = signedInAs(await signIn('jane'));
          if (jane !== 'user:default/jane')
            throw new Error(`jane signed in as: ${jane}`);
        },
        120_000,
        2000,
      );
    });

    afterAll(async () => {
      await stop(backend);
    });

    it('M0: signs jane, bob and ops in through the OIDC provider, each as their own User with their groups', async () => {
      const identities = Object.fromEntries(
        await Promise.all(
          ['jane', 'bob', 'ops'].map(async u => [
            u,
            (await signIn(u)).identity?.identity,
          ]),
        ),
      );
      expect(identities).toEqual({
        jane: {
          type: 'user',
          userEntityRef: 'user:default/jane',
          ownershipEntityRefs: ['user:default/jane', 'group:default/team-a'],
        },
        bob: {
          type: 'user',
          userEntityRef: 'user:default/bob',
          ownershipEntityRefs: ['user:default/bob', 'group:default/team-b'],
        },
        ops: {
          type: 'user',
          userEntityRef: 'user:default/ops',
          ownershipEntityRefs: [
            'user:default/ops',
            'group:default/platform-team',
          ],
        },
      });
    });

    it('H2: an IdP account named guest does not become the catalog guest (nor anyone)', async () => {
      const result = await signIn('guest');
      expect(result.identity).toBeUndefined();
      expect(result.error).toEqual({
        name: 'NotFoundError',
        message:
          'No catalog User has the annotation maas.kuadrant.io/oidc-subject: "guest", the subject the identity ' +
          'provider gives this person (who signs in as guest, guest@example.com); an administrator adds it to ' +
          'their User (kind: User, with its groups in spec.memberOf) in the organization data.',
      });
    });

    it('H2: jane@contractor.example, preferred_username jane, does not become jane', async () => {
      const result = await signIn('jane-contractor');
      expect(result.identity).toBeUndefined();
      expect(result.error?.message).toContain(
        '"jane-contractor", the subject the identity provider gives this person (who signs in as jane, jane@contractor.example)',
      );
    });

    it("H2: an account with the admin's email, unverified, does not become the admin", async () => {
      const result = await signIn('olivia-unverified');
      expect(result.identity).toBeUndefined();
      expect(result.error?.message).toContain(
        '"olivia-unverified", the subject the identity provider gives this person (who signs in as olivia, ops@example.com)',
      );
    });

    it('H2: a jane whose User is in a second catalog namespace signs in as user:partners/jane, not as user:default/jane', async () => {
      const [partner, jane] = await Promise.all([
        signIn('partner-jane'),
        signIn('jane'),
      ]);
      expect(partner.identity?.identity).toEqual({
        type: 'user',
        userEntityRef: 'user:partners/jane',
        ownershipEntityRefs: [
          'user:partners/jane',
          'group:partners/partner-team',
        ],
      });
      expect(signedInAs(jane)).toBe('user:default/jane');
    });

    it('M1: says at start that self-approval is off (four eyes)', () => {
      expect(backend.output()).toContain(
        'MaaS: maas.approvals.allowSelfApproval is false: nobody decides their own key request (four eyes)',
      );
    });
  });
});
