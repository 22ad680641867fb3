/* deploy/rbac.yaml and what a model's Kubernetes tab lists, for a test file's own namespaces: what the RBAC tests apply and name. */
import { DEFAULT_OBJECTS } from '@backstage/plugin-kubernetes-backend';
import { KubernetesObject, V1PolicyRule } from '@kubernetes/client-node';
import { readManifests } from '@maas-portal/harness/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

export const RBAC_FILE = path.resolve(
  __dirname,
  '../../../../deploy/rbac.yaml',
);
export const IMPERSONATION_FILE = path.resolve(
  __dirname,
  '../../../../deploy/rbac-impersonation.yaml',
);
/**
 * What a model's Kubernetes tab lists, as app-config.yaml configures the Kubernetes plugin: its
 * objectTypes (the plugin's own table gives their API groups) and customResources.
 */
export const TAB_OBJECTS = (() => {
  const { kubernetes } = YAML.parse(
    fs.readFileSync(
      path.resolve(__dirname, '../../../../app-config.yaml'),
      'utf8',
    ),
  ) as {
    kubernetes: {
      objectTypes: string[];
      customResources: Array<{
        group: string;
        apiVersion: string;
        plural: string;
      }>;
    };
  };
  return [
    ...DEFAULT_OBJECTS.filter(o =>
      kubernetes.objectTypes.includes(o.objectType),
    ),
    ...kubernetes.customResources,
  ];
})();
export const READER = 'maas-kubernetes-reader';
export const MODEL_A = 'component:default/rbac-model-a';
/** Deployed by hand: bound to its entity by an admin's Adopt. */
export const MODEL_C = 'component:default/rbac-model-c';
export const MODEL_D = 'component:default/rbac-model-d';

/** The namespaces of the file, replaced by this test's own (the API server is shared). */
export interface Places {
  portal: string;
  keys: string;
  models: string;
  hand: string;
}

/**
 * deploy/rbac.yaml (or `file`) for this test's namespaces, cluster-scoped names made unique. The
 * model namespaces' Role and RoleBinding are copied into `hand` too, as the file says to do per
 * model namespace: Adopt binds models deployed there.
 */
export function localized(
  places: Places,
  file = RBAC_FILE,
): KubernetesObject[] {
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/namespace: backstage$/gm, `namespace: ${places.portal}`)
    .replace(/namespace: kuadrant-system$/gm, `namespace: ${places.keys}`)
    .replace(/namespace: llm$/gm, `namespace: ${places.models}`);
  const localFile = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'rbac-')),
    'rbac.yaml',
  );
  fs.writeFileSync(localFile, text);
  const objects = readManifests(localFile);
  const perModelNamespace = objects
    .filter(o => o.metadata!.name === 'maas-portal-models')
    .map(o => ({
      ...o,
      metadata: { ...o.metadata, namespace: places.hand },
    }));
  return [...objects, ...perModelNamespace].map(o => {
    if (o.kind !== 'ClusterRole' && o.kind !== 'ClusterRoleBinding') return o;
    const copy = JSON.parse(JSON.stringify(o));
    copy.metadata.name = `${o.metadata!.name}-${places.portal}`;
    if (copy.roleRef) copy.roleRef.name = copy.metadata.name;
    return copy;
  });
}

/** `<role>: <groups> <resources> [<verbs>]`: the name of one rule in rbacFeatures.cluster.test.ts's table. */
export function ruleId(role: string, rule: V1PolicyRule): string {
  return `${role}: ${
    rule.apiGroups!.join(',') || 'core'
  } ${rule.resources!.join(',')} [${rule.verbs.join(',')}]`;
}
