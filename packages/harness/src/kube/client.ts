/* A small HTTPS client for the harness's own kube-apiserver (bearer token, its CA). Node built-ins only. */
import https from 'node:https';

export interface KubeResponse {
  status: number;
  body: any;
  text: string;
}

export class KubeClient {
  server: string;
  ca: string;
  token: string;

  constructor(server: string, ca: string, token: string) {
    this.server = server;
    this.ca = ca;
    this.token = token;
  }

  request(
    method: string,
    urlPath: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<KubeResponse> {
    return sendJson(
      new URL(urlPath, this.server),
      method,
      body,
      { ca: this.ca, headers: { Authorization: `Bearer ${this.token}` } },
      contentType,
    );
  }

  async must(
    method: string,
    urlPath: string,
    body?: unknown,
    okStatuses = [200, 201],
  ): Promise<any> {
    const res = await this.request(method, urlPath, body);
    if (!okStatuses.includes(res.status)) {
      throw new Error(
        `${method} ${urlPath} -> ${res.status}: ${
          res.body?.message ?? res.text.slice(0, 500)
        }`,
      );
    }
    return res.body;
  }
}

/** Creates a namespace; an existing one is fine. */
export async function ensureNamespace(
  client: KubeClient,
  name: string,
): Promise<void> {
  await client.must(
    'POST',
    '/api/v1/namespaces',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    [201, 409],
  );
}

/**
 * One JSON request to an API server: `body` is sent as JSON (a string as it is); the answer is
 * parsed when it is JSON (`body`) and kept as text (`text`). `options` carry the credentials.
 */
export function sendJson(
  url: URL,
  method: string,
  body: unknown,
  options: https.RequestOptions,
  contentType = 'application/json',
): Promise<KubeResponse> {
  const payload =
    body === undefined || typeof body === 'string'
      ? body
      : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        ...options,
        method,
        headers: {
          ...options.headers,
          Accept: 'application/json',
          ...(payload === undefined
            ? {}
            : {
                'Content-Type': contentType,
                'Content-Length': Buffer.byteLength(payload),
              }),
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any = undefined;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(30000, () =>
      req.destroy(new Error(`${method} ${url.pathname}${url.search}: timeout`)),
    );
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
