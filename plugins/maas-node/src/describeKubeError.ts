import { apiVersionOf, qualifiedResource, ResourceKind } from './kinds';

/**
 * Why a call to the API server failed, sorted into what a person can act on.
 *
 * @public
 */
export type KubeFailure =
  | { type: 'unreachable'; message: string; reason: string }
  | { type: 'unauthorized'; message: string; status: 401 }
  | { type: 'forbidden'; message: string; status: 403 }
  | { type: 'crd-missing'; message: string; status: 404 }
  | { type: 'conflict'; message: string; status: 409 }
  | { type: 'invalid'; message: string; status: 400 | 422 }
  | { type: 'other'; message: string; status?: number };

/** What an error of `@kubernetes/client-node` (an `ApiException`, or a fetch error) carries. */
interface ApiErrorLike {
  code?: number | string;
  statusCode?: number;
  body?: unknown;
  message?: string;
  cause?: { code?: string; message?: string };
}

/**
 * The HTTP status of a Kubernetes API error; undefined when the server did not answer.
 *
 * @public
 */
export function httpStatusOf(error: unknown): number | undefined {
  const e = (error ?? {}) as ApiErrorLike;
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}

/**
 * The `message` of the Kubernetes Status in an error response, if it carries one.
 *
 * @public
 */
export function kubeStatusMessage(error: unknown): string | undefined {
  const body = (error as ApiErrorLike)?.body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body || undefined;
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
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

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
};

/** The network error code of a failed connection, e.g. `ECONNREFUSED`. */
function networkErrorCode(error: unknown): string | undefined {
  const e = (error ?? {}) as ApiErrorLike;
  return [e.cause?.code, typeof e.code === 'string' ? e.code : undefined].find(
    c => c && NETWORK_CODES.has(c),
  );
}

/**
 * node-fetch's `request to <url> failed, reason: <why>` as just the why: the URL is the API
 * server's internal address, which only admins see (on the status page).
 */
function withoutRequestUrl(message: string): string {
  return message.replace(/^request to \S+ failed, reason: /, '');
}

/**
 * A kind the API server does not serve: its CRDs, and so the product, are not installed.
 *
 * @public
 */
export function notServedMessage(kind: ResourceKind): string {
  return `${
    kind.product
  } is not installed in the cluster: the API server does not serve ${
    kind.kind
  } (${apiVersionOf(kind)}); install its CRDs first`;
}

const FORBIDDEN =
  /User "([^"]*)" cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/;
// Server-side apply of a new object is also authorised as "create"; that denial has no text.
const FORBIDDEN_CREATE = /^(\S+) "[^"]*" is forbidden: $/;

function forbiddenMessage(
  serverMessage: string | undefined,
  kind: ResourceKind | undefined,
  verb: string,
  namespace: string | undefined,
  account = "The portal's Kubernetes account",
): string {
  const said = serverMessage ? ` The API server said: ${serverMessage}` : '';
  const match = serverMessage?.match(FORBIDDEN);
  if (match) {
    const [, user, deniedVerb, resource, group, inNamespace] = match;
    const qualified = group ? `${resource}.${group}` : resource;
    const where = inNamespace ? ` in namespace "${inNamespace}"` : '';
    return `${account} (${user}) may not ${deniedVerb} ${qualified}${where}; ask your cluster admin to grant it the "${deniedVerb}" verb on "${resource}" (API group "${group}")${where} in a Role or ClusterRole (the portal's rules are in deploy/rbac.yaml).${said}`;
  }
  const created = serverMessage?.match(FORBIDDEN_CREATE);
  if (created) {
    const where = namespace ? ` in namespace "${namespace}"` : '';
    return `${account} may not create ${created[1]}${where}; applying a new object needs the "create" verb as well as "patch" and "get": ask your cluster admin to grant it.${said}`;
  }
  const what = kind ? ` ${qualifiedResource(kind)}` : '';
  return `${account} may not ${verb}${what}; ask your cluster admin to grant it.${said}`;
}

/**
 * The one classifier of errors from `@kubernetes/client-node`: unreachable (no answer, or none in
 * time), credentials refused, forbidden (naming the verb and resource to grant), CRD missing (naming the product to
 * install), conflict, invalid; each with a sentence about `kind` (if any) and `verb`.
 *
 * @public
 */
export function describeKubeError(
  error: unknown,
  about: {
    kind?: ResourceKind;
    verb: string;
    namespace?: string;
    /** Who called, when not the portal's account, e.g. the signed-in user it impersonated. */
    account?: string;
  },
): KubeFailure {
  const { kind, verb, namespace, account } = about;
  const e = (error ?? {}) as ApiErrorLike;
  const status = httpStatusOf(error);
  if (status === undefined) {
    const code = networkErrorCode(error);
    const reason =
      (code && NETWORK_REASONS[code]) ??
      code ??
      withoutRequestUrl(e.message ?? String(error));
    return {
      type: 'unreachable',
      reason,
      message: `The Kubernetes API server is unreachable (${reason})`,
    };
  }
  const serverMessage = kubeStatusMessage(error);
  const said = serverMessage ?? `HTTP ${status}`;
  switch (status) {
    case 401:
      return {
        type: 'unauthorized',
        status,
        message: `The API server did not accept the portal's credentials (check maas.cluster.name or maas.cluster.kubeconfig). The API server said: ${said}`,
      };
    case 403:
      return {
        type: 'forbidden',
        status,
        message: forbiddenMessage(
          serverMessage,
          kind,
          verb,
          namespace,
          account,
        ),
      };
    case 404:
      return {
        type: 'crd-missing',
        status,
        message: kind
          ? notServedMessage(kind)
          : `The API server does not serve it: ${said}`,
      };
    case 409:
      return {
        type: 'conflict',
        status,
        message: `It conflicts with the object in the cluster. The API server said: ${said}`,
      };
    case 400:
    case 422:
      return {
        type: 'invalid',
        status,
        message: `The API server rejected it: ${said}`,
      };
    default:
      return {
        type: 'other',
        status,
        message: `The API server answered ${status}: ${said}`,
      };
  }
}
