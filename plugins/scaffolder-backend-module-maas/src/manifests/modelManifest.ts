import {
  apiVersionOf,
  Manifest,
  ResourceKind,
} from '@maas-portal/plugin-maas-node';
import { modelLabels } from './naming';
import { ModelSpec } from './types';

/**
 * One object of a model: apiVersion and kind from the kind table, the model's namespace, its
 * labels (plus `labels`), and `annotations` when there are any.
 */
export function modelManifest<M extends Manifest>(
  spec: Pick<ModelSpec, 'name' | 'namespace'>,
  kind: ResourceKind,
  meta: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  },
  body: M['spec'],
): M {
  const { name, labels, annotations } = meta;
  return {
    apiVersion: apiVersionOf(kind),
    kind: kind.kind,
    metadata: {
      name,
      namespace: spec.namespace,
      labels: { ...modelLabels(spec), ...labels },
      ...(annotations ? { annotations } : {}),
    },
    spec: body,
  } as M;
}
