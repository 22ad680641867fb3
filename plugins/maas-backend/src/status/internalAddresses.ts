import { BackstageCredentials } from '@backstage/backend-plugin-api';
import express, { Request } from 'express';

/** What replaces an internal address in a sentence shown to someone who is not an admin. */
export const HIDDEN_ADDRESS = '[shown to admins]';

/**
 * `value` with every internal address hidden: inside a string it becomes {@link HIDDEN_ADDRESS},
 * so the sentence stays the same; a property whose whole value is one (`server`, `url`) is left
 * out. Longer addresses are replaced first, so a URL is never half hidden by a shorter one.
 */
export function hideInternalAddresses<T>(value: T, addresses: string[]): T {
  const hidden = [...new Set(addresses.filter(a => a.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  if (hidden.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string')
      return hidden.reduce((s, a) => s.split(a).join(HIDDEN_ADDRESS), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([, field]) => !hidden.includes(field as string))
          .map(([key, field]) => [key, walk(field)]),
      );
    }
    return v;
  };
  return walk(value) as T;
}

/**
 * Middleware that shows the portal's internal addresses (the API server URL, the kubeconfig path,
 * the Prometheus URL) only to admins (`maas.adminGroups`): for anyone else every JSON answer,
 * errors included, says the same with {@link hideInternalAddresses}. Put it before every route.
 */
export function createInternalAddressFilter(options: {
  /** The addresses to hide; empty or undefined entries are ignored. */
  addresses: Array<string | undefined>;
  /** The caller's credentials; throws when there are none. */
  credentials: (req: Request) => Promise<BackstageCredentials>;
  isAdmin: (credentials: BackstageCredentials) => Promise<boolean>;
}): express.RequestHandler {
  const addresses = options.addresses.filter((a): a is string => !!a);
  return (req, res, next) => {
    if (addresses.length > 0) {
      // Who is asking is looked up only for the few answers that name an address, not for every
      // request.
      const json = res.json.bind(res);
      res.json = body => {
        const text = JSON.stringify(body) ?? '';
        if (!addresses.some(a => text.includes(a))) return json(body);
        isAdminCaller(req).then(admin =>
          json(admin ? body : hideInternalAddresses(body, addresses)),
        );
        return res;
      };
    }
    next();
  };

  async function isAdminCaller(req: Request): Promise<boolean> {
    try {
      const credentials = await options.credentials(req);
      return (
        (credentials.principal as { type?: string }).type === 'user' &&
        (await options.isAdmin(credentials))
      );
    } catch {
      // No or bad credentials: the route itself answers 401, without addresses.
      return false;
    }
  }
}
