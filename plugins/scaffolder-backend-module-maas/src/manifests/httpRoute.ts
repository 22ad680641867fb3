import { modelLabels, modelObjectNames } from './naming';
import { HTTPRoute, ModelSpec } from './types';

/** The model's own host name on the Gateway, sent to the predictor Service KServe makes (port 80). */
export function renderHttpRoute(spec: ModelSpec): HTTPRoute {
  const names = modelObjectNames(spec.name);
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {
      name: names.httpRoute,
      namespace: spec.namespace,
      labels: {
        ...modelLabels(spec),
        'kuadrant.io/gateway': spec.gateway.name,
      },
    },
    spec: {
      parentRefs: [
        { name: spec.gateway.name, namespace: spec.gateway.namespace },
      ],
      hostnames: [spec.hostname],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [
            { name: names.predictorService, port: 80, weight: 100 },
          ],
        },
      ],
    },
  };
}
