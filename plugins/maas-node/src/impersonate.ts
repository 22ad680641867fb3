import { KubeConfig } from '@kubernetes/client-node';

/**
 * Who the API server should take a request to come from (Kubernetes impersonation).
 *
 * @public
 */
export interface ImpersonatedUser {
  user: string;
  groups: string[];
}

/**
 * A copy of `kubeConfig` whose requests carry Kubernetes impersonation headers
 * (`Impersonate-User`, one `Impersonate-Group` per group), so that the API server's own RBAC
 * decides what `who` may do. The account of `kubeConfig` needs the `impersonate` verb on
 * `users` and `groups`.
 *
 * @public
 */
export function impersonating(
  kubeConfig: KubeConfig,
  who: ImpersonatedUser,
): KubeConfig {
  // Shares the cluster, credentials and their refresh with `kubeConfig`; only adds the headers.
  const copy = Object.create(kubeConfig) as KubeConfig;
  const apply = copy.applySecurityAuthentication.bind(copy);
  copy.applySecurityAuthentication = async context => {
    await apply(context);
    const headers = context.getHeaders();
    // The client sends a plain header object, which holds one value per name; node-fetch reads an
    // iterable of pairs instead, which carries the header once per group, as the API server wants.
    Object.defineProperty(headers, Symbol.iterator, {
      enumerable: false,
      configurable: true,
      value: function* pairs() {
        for (const [name, value] of Object.entries(headers)) {
          yield [name, value];
        }
        yield ['Impersonate-User', who.user];
        for (const group of who.groups) yield ['Impersonate-Group', group];
      },
    });
  };
  return copy;
}
