import { HTTP_ROUTE, HTTPRouteManifest } from '@maas-portal/plugin-maas-node';
import { modelManifest } from './modelManifest';
import { modelObjectNames } from './naming';
import { ModelSpec } from './types';

/** The model's own host name on the Gateway, sent to the predictor Service KServe makes (port 80). */
export function renderHttpRoute(spec: ModelSpec): HTTPRouteManifest {
  const names = modelObjectNames(spec.name);
  return modelManifest<HTTPRouteManifest>(
    spec,
    HTTP_ROUTE,
    {
      name: names.httpRoute,
      labels: { 'kuadrant.io/gateway': spec.gateway.name },
    },
    {
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
  );
}
