/*
 * Who talks to the harness's API server: two static-token users (an admin in system:masters, and a user with
 * no grants that tests bind roles to), the service-account signing keys, and their kubeconfigs.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface KubeIdentity {
  name: string;
  token: string;
  groups: string[];
}

export interface KubeCredentials {
  admin: KubeIdentity;
  limited: KubeIdentity;
  /** --token-auth-file */
  tokenFile: string;
  /** --service-account-signing-key-file */
  serviceAccountKey: string;
  /** --service-account-key-file */
  serviceAccountPublicKey: string;
}

function identity(name: string, groups: string[]): KubeIdentity {
  return { name, token: crypto.randomBytes(24).toString('hex'), groups };
}

/** Writes fresh tokens and a service-account key pair into `dir`. */
export function writeCredentials(dir: string): KubeCredentials {
  const admin = identity('maas-admin', ['system:masters']);
  const limited = identity('maas-limited', []);
  const tokenFile = path.join(dir, 'tokens.csv');
  fs.writeFileSync(
    tokenFile,
    `${[admin, limited]
      .map(
        i =>
          `${i.token},${i.name},${i.name}-uid${
            i.groups.length ? `,"${i.groups.join(',')}"` : ''
          }`,
      )
      .join('\n')}\n`,
    { mode: 0o600 },
  );
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
  });
  const serviceAccountKey = path.join(dir, 'sa.key');
  const serviceAccountPublicKey = path.join(dir, 'sa.pub');
  fs.writeFileSync(
    serviceAccountKey,
    privateKey.export({ type: 'pkcs8', format: 'pem' }),
    { mode: 0o600 },
  );
  fs.writeFileSync(
    serviceAccountPublicKey,
    publicKey.export({ type: 'spki', format: 'pem' }),
  );
  return {
    admin,
    limited,
    tokenFile,
    serviceAccountKey,
    serviceAccountPublicKey,
  };
}

export function kubeconfig(
  server: string,
  ca: string,
  who: KubeIdentity,
  namespace = 'default',
): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'maas-harness',
        cluster: {
          server,
          'certificate-authority-data': Buffer.from(ca).toString('base64'),
        },
      },
    ],
    users: [{ name: who.name, user: { token: who.token } }],
    contexts: [
      {
        name: `maas-harness-${who.name}`,
        context: { cluster: 'maas-harness', user: who.name, namespace },
      },
    ],
    'current-context': `maas-harness-${who.name}`,
    preferences: {},
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
