/*
 * Real calls through the harness's data plane, for tests: a request to a model's host through the gateway
 * (Authorino, then Limitador, then the model), Limitador's own view of its counters, and a wait until the
 * gateway runs the config kuadrant-operator wrote for a host. Reads MAAS_HARNESS_GATEWAY_URL,
 * MAAS_HARNESS_GATEWAY_ADMIN_URL, MAAS_HARNESS_LIMITADOR_URL and MAAS_HARNESS_DATAPLANE_DIR.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { harnessEnv } from './harnessEnv.ts';
import { eventually } from './eventually.ts';
import { limitadorLimits } from '../kuadrant/testApi.ts';

export interface CallModelRequest {
  /** The model's host name (the HTTPRoute's), e.g. `qwen3.maas.local`. */
  host: string;
  /** An API key: sent as `Authorization: APIKEY <key>`. */
  key?: string;
  /** An OIDC access token: sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Any other Authorization header, verbatim. */
  authorization?: string;
  /** Default POST /v1/chat/completions with a one-message body. */
  method?: string;
  path?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CallModelResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: any;
}

/** A chat completion body the simulator answers, with a usage block. */
export function chatBody(model: string, content = 'Hello'): unknown {
  return { model, messages: [{ role: 'user', content }], max_tokens: 8 };
}

/** The Authorization header a request sends: its own, an API key's or a token's, or none. */
function authorizationOf(request: CallModelRequest): string | undefined {
  if (request.authorization !== undefined) return request.authorization;
  if (request.key !== undefined) return `APIKEY ${request.key}`;
  if (request.token !== undefined) return `Bearer ${request.token}`;
  return undefined;
}

/** One request through the harness gateway, as a client on the network would send it. */
export function callModel(
  request: CallModelRequest,
): Promise<CallModelResponse> {
  const base = new URL(harnessEnv('MAAS_HARNESS_GATEWAY_URL'));
  const authorization = authorizationOf(request);
  const method = request.method ?? 'POST';
  const payload =
    method === 'GET' || method === 'HEAD'
      ? undefined
      : JSON.stringify(request.body ?? chatBody('model'));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path: request.path ?? '/v1/chat/completions',
        headers: {
          Host: request.host,
          ...(payload ? { 'Content-Type': 'application/json' } : {}),
          ...(authorization ? { Authorization: authorization } : {}),
          ...request.headers,
        },
        timeout: 15000,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json,
          });
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`callModel ${request.host}: no answer in 15 s`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A counter as Limitador's HTTP API lists it (`GET /counters/{namespace}`). */
export interface LimitadorCounter {
  limit: {
    namespace: string;
    max_value: number;
    seconds: number;
    name?: string | null;
    conditions: string[];
    variables: string[];
  };
  set_variables: Record<string, string>;
  remaining: number;
  expires_in_seconds: number;
}

/** Limitador's own counters of a namespace (`<route namespace>/<route name>`). */
export async function limitadorCounters(
  namespace: string,
): Promise<LimitadorCounter[]> {
  const url = `${harnessEnv(
    'MAAS_HARNESS_LIMITADOR_URL',
  )}/counters/${encodeURIComponent(namespace)}`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as LimitadorCounter[];
}

/** The limits Limitador has loaded for a namespace (`GET /limits/{namespace}`). */
export async function limitadorLoadedLimits(namespace: string): Promise<any[]> {
  const url = `${harnessEnv(
    'MAAS_HARNESS_LIMITADOR_URL',
  )}/limits/${encodeURIComponent(namespace)}`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as any[];
}

const sha256 = (text: string) =>
  crypto.createHash('sha256').update(text).digest('hex');

/**
 * Waits until the gateway runs a config with an action set for `host` and a route to a ready backend for it
 * (the model's process answers), and has loaded exactly the files the harness last wrote. Sends no request
 * through the gateway, so no quota is spent waiting.
 */
export async function waitForGateway(
  host: string,
  options: {
    timeoutMs?: number;
    withPolicies?: boolean;
    /** Also wait until Limitador enforces every limit the Limitador CR has for this namespace. */
    limitadorNamespace?: string;
    /**
     * Also wait until the gateway sends these metric labels (a TelemetryPolicy on the host's Gateway) with the
     * host's rate-limit calls.
     */
    metricLabels?: string[];
  } = {},
): Promise<void> {
  const dir = harnessEnv('MAAS_HARNESS_DATAPLANE_DIR');
  const admin = harnessEnv('MAAS_HARNESS_GATEWAY_ADMIN_URL');
  const matches = (pattern: string) =>
    pattern === host ||
    (pattern.startsWith('*.') && host.endsWith(pattern.slice(1)));
  await eventually(
    async () => {
      const pluginText = fs.readFileSync(
        path.join(dir, 'plugin-config.json'),
        'utf8',
      );
      const routesText = fs.readFileSync(path.join(dir, 'routes.json'), 'utf8');
      const requestDataText = fs.readFileSync(
        path.join(dir, 'request-data.json'),
        'utf8',
      );
      const plugin = JSON.parse(pluginText);
      const routes = JSON.parse(routesText);
      const hostSets = (plugin.actionSets ?? []).filter((a: any) =>
        (a.routeRuleConditions?.hostnames ?? []).some(matches),
      );
      const hasActions = hostSets.length > 0;
      if ((options.withPolicies ?? true) && !hasActions)
        throw new Error(
          `no action set for ${host} in the gateway's config yet`,
        );
      const hasBackend = (routes.routes ?? []).some(
        (r: any) =>
          r.hostnames.some(matches) &&
          r.rules.some((rule: any) => rule.backends.length > 0),
      );
      if (!hasBackend) throw new Error(`no ready backend for ${host} yet`);
      if (options.metricLabels) {
        const wanted = options.metricLabels;
        const labelled = JSON.parse(requestDataText).gateways.some(
          (g: any) =>
            hostSets.some((a: any) => g.actionSets.includes(a.name)) &&
            wanted.every(l => l in g.labels),
        );
        if (!labelled)
          throw new Error(
            `no metric labels ${wanted.join(
              ', ',
            )} for ${host} in the gateway's request data yet`,
          );
      }
      const loaded = (await (await fetch(`${admin}/config`)).json()) as any;
      if (
        loaded.pluginConfigHash !== sha256(pluginText) ||
        loaded.routesHash !== sha256(routesText) ||
        loaded.requestDataHash !== sha256(requestDataText)
      )
        throw new Error('the gateway has not loaded the latest files yet');
      if (options.limitadorNamespace) {
        const ns = options.limitadorNamespace;
        const key = (l: {
          max_value: number;
          seconds: number;
          conditions: string[];
        }) =>
          `${l.max_value}/${l.seconds}/${[...l.conditions].sort().join('&')}`;
        const wanted = (await limitadorLimits())
          .filter(l => l.namespace === ns)
          .map(key)
          .sort();
        const enforced = (await limitadorLoadedLimits(ns)).map(key).sort();
        if (!wanted.length || wanted.join('|') !== enforced.join('|'))
          throw new Error(
            `Limitador enforces ${enforced.length} limits in ${ns}, the CR has ${wanted.length}`,
          );
      }
    },
    options.timeoutMs ?? 60000,
    200,
  );
}
