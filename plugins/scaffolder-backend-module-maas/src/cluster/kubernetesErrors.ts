import { ApiException } from '@kubernetes/client-node';

/** The object an operation was about, as a developer reads it: `AuthPolicy llm/qwen3-auth`. */
export interface ObjectDescription {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
}

export function describeObject(object: ObjectDescription): string {
  return `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
}

/** Which product installs the CRDs of an API group, for "X is not installed". */
const PRODUCT_OF_GROUP: Record<string, string> = {
  'kuadrant.io': 'Kuadrant',
  'extensions.kuadrant.io': 'Kuadrant',
  'serving.kserve.io': 'KServe',
  'gateway.networking.k8s.io': 'The Gateway API',
};

export function missingApiMessage(apiVersion: string, kind: string): string {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const product =
    PRODUCT_OF_GROUP[group] ?? `The API group "${group || 'core'}"`;
  return `${product} is not installed in the cluster: the API server does not serve ${kind} (${apiVersion}); install its CRDs first`;
}

/** The Kubernetes `Status` in an error response, if any. */
function statusOf(error: ApiException<unknown>): {
  message?: string;
  reason?: string;
} {
  const body = error.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch {
      return { message: body };
    }
  }
  return (body as { message?: string }) ?? {};
}

function isApiException(error: unknown): error is ApiException<unknown> {
  return (
    error instanceof ApiException ||
    (typeof (error as any)?.code === 'number' && 'body' in (error as any))
  );
}

/** The HTTP status of a Kubernetes API error, if it is one. */
export function httpStatusOf(error: unknown): number | undefined {
  return isApiException(error) ? error.code : undefined;
}

/**
 * Says in words a developer understands why the API server refused an operation on an object:
 * the server's own schema message, which verb on which resource the portal's account lacks, or
 * that a product is not installed.
 */
export function explainKubernetesError(
  error: unknown,
  object: ObjectDescription,
): string {
  if (!isApiException(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return `the Kubernetes API server could not be reached or answered strangely: ${message}`;
  }
  const status = statusOf(error);
  const serverMessage = status.message ?? `HTTP ${error.code}`;
  switch (error.code) {
    case 403: {
      const match = serverMessage.match(
        /User "([^"]*)" cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/,
      );
      if (match) {
        const [, user, verb, resource, group, namespace] = match;
        const qualified = group ? `${resource}.${group}` : resource;
        const where = namespace ? ` in namespace "${namespace}"` : '';
        return `the portal's Kubernetes account (${user}) is not allowed to ${verb} ${qualified}${where}; grant it the "${verb}" verb on "${resource}" (API group "${group}") in a Role. The API server said: ${serverMessage}`;
      }
      // Server-side apply of a new object is also authorised as "create"; that denial has no text.
      const created = serverMessage.match(/^(\S+) "[^"]*" is forbidden: $/);
      if (created) {
        return `the portal's Kubernetes account is not allowed to create ${created[1]} in namespace "${object.metadata.namespace}"; applying a new object needs the "create" verb as well as "patch" and "get". The API server said: ${serverMessage}`;
      }
      return `the portal's Kubernetes account is not allowed to do this. The API server said: ${serverMessage}`;
    }
    case 401:
      return `the API server did not accept the portal's credentials (check maas.cluster.kubeconfig). The API server said: ${serverMessage}`;
    case 404:
      return missingApiMessage(object.apiVersion, object.kind);
    case 409:
      return `it conflicts with the object in the cluster. The API server said: ${serverMessage}`;
    case 400:
    case 422:
      return `the API server rejected it: ${serverMessage}`;
    default:
      return `the API server answered ${error.code}: ${serverMessage}`;
  }
}
