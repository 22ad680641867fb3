import { ResourceKind } from './kinds';

/** Why a call to the API server failed, sorted into what a person can act on. */
export type KubeFailure =
  | { type: 'unreachable'; message: string }
  | { type: 'crd-missing'; message: string }
  | { type: 'forbidden'; message: string }
  | { type: 'invalid'; message: string; status: number }
  | { type: 'other'; message: string; status?: number };

interface ApiErrorLike {
  code?: number | string;
  statusCode?: number;
  body?: unknown;
  message?: string;
  cause?: { code?: string; message?: string };
}

function statusOf(error: ApiErrorLike): number | undefined {
  if (typeof error.code === 'number') return error.code;
  if (typeof error.statusCode === 'number') return error.statusCode;
  return undefined;
}

/** The `message` of a Kubernetes Status body, if the error carries one. */
export function kubeStatusMessage(error: unknown): string | undefined {
  const body = (error as ApiErrorLike)?.body;
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/**
 * Sorts an error from `@kubernetes/client-node` into unreachable / CRD missing / forbidden /
 * invalid, with a sentence that names the kind and the verb.
 */
export function describeKubeError(
  error: unknown,
  kind: ResourceKind,
  verb: string,
): KubeFailure {
  const e = (error ?? {}) as ApiErrorLike;
  const status = statusOf(e);
  const networkCode = [
    e.cause?.code,
    typeof e.code === 'string' ? e.code : undefined,
  ].find(c => c && NETWORK_CODES.has(c));
  const serverMessage = kubeStatusMessage(error);
  const resource = kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
  if (
    networkCode ||
    /ECONNREFUSED|socket hang up|fetch failed|network/i.test(e.message ?? '')
  ) {
    return {
      type: 'unreachable',
      message: `The Kubernetes API server is unreachable (${
        networkCode ?? e.message
      })`,
    };
  }
  if (status === 404) {
    return {
      type: 'crd-missing',
      message: `${kind.providedBy} is not installed in the cluster: the API server does not know ${kind.kind} (${kind.group}/${kind.version})`,
    };
  }
  if (status === 403) {
    return {
      type: 'forbidden',
      message: `The portal's Kubernetes account may not ${verb} ${resource}${
        serverMessage ? ` (${serverMessage})` : ''
      }`,
    };
  }
  if (status === 422 || status === 400 || status === 409) {
    return {
      type: 'invalid',
      status,
      message: serverMessage ?? e.message ?? `HTTP ${status}`,
    };
  }
  return {
    type: 'other',
    status,
    message: serverMessage ?? e.message ?? String(error),
  };
}
