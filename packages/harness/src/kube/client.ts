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
    const url = new URL(urlPath, this.server);
    let payload: string | undefined;
    if (body !== undefined)
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          ca: this.ca,
          headers: {
            Authorization: `Bearer ${this.token}`,
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
        req.destroy(new Error(`${method} ${urlPath}: timeout`)),
      );
      if (payload !== undefined) req.write(payload);
      req.end();
    });
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
