/* Objects that tests of several packages put on the harness's cluster: the seed's Gateway, a vLLM model, a model's AuthPolicy parts. */

/** A reference to the seed's Gateway, as route parentRefs and policy targetRefs spell it. */
export const GATEWAY_REF = {
  group: 'gateway.networking.k8s.io',
  kind: 'Gateway',
  name: 'inference-gateway',
};

/** The spec of the seed's Gateway: one HTTP listener for `*.maas.local` on `port`. */
export const httpGatewaySpec = (port = 80) => ({
  gatewayClassName: 'istio',
  listeners: [
    { name: 'http', port, protocol: 'HTTP', hostname: '*.maas.local' },
  ],
});

/** A test namespace's own Gateway `gw`: one HTTP listener for `*.<namespace>.local` on port 80. */
export const namespaceGateway = (namespace: string) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'gw', namespace },
  spec: {
    gatewayClassName: 'istio',
    listeners: [
      {
        name: 'http',
        hostname: `*.${namespace}.local`,
        port: 80,
        protocol: 'HTTP',
      },
    ],
  },
});

/** The spec of an InferenceService served by the `vllm-latest` runtime from `storageUri`. */
export const vllmInferenceServiceSpec = (
  storageUri = 'hf://Qwen/Qwen3-0.6B',
) => ({
  predictor: {
    model: {
      modelFormat: { name: 'vLLM' },
      runtime: 'vllm-latest',
      storageUri,
    },
  },
});

/** A policy's targetRef to the HTTPRoute `name` in the policy's namespace. */
export const httpRouteRef = (name: string) => ({
  group: 'gateway.networking.k8s.io',
  kind: 'HTTPRoute',
  name,
});

/** An AuthPolicy's API-key authentication: the key Secrets labelled `matchLabels`, keys sent as `APIKEY <key>`. */
export const apiKeyAuthentication = (matchLabels: Record<string, string>) => ({
  apiKey: { allNamespaces: false, selector: { matchLabels } },
  credentials: { authorizationHeader: { prefix: 'APIKEY' } },
});

/** The AuthPolicy `metadata` on the HTTPRoute `route` of the same namespace, with `rules`. */
export const routeAuthPolicy = (
  metadata: { name: string; namespace: string },
  route: string,
  rules: Record<string, unknown>,
) => ({
  apiVersion: 'kuadrant.io/v1',
  kind: 'AuthPolicy',
  metadata,
  spec: { targetRef: httpRouteRef(route), rules },
});
