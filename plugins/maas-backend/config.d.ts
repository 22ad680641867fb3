export interface Config {
  /** The MaaS for Backstage suite. */
  maas?: {
    /**
     * Namespace where models, their routes and their key Secrets live.
     * @default llm
     * @visibility frontend
     */
    namespace?: string;
    /** Models the portal applied itself, registered in the catalog from the cluster. */
    catalog?: {
      /**
       * The only namespaces whose InferenceServices become catalog entities (names, owners and
       * annotations derived from the InferenceService). Default: `maas.namespace` and each of
       * `maas.create.namespaces`.
       */
      namespaces?: string[];
    };
    /**
     * The Gateway API Gateway that models' HTTPRoutes attach to.
     * @visibility frontend
     */
    gateway?: {
      /** @default inference-gateway */
      name?: string;
      /** @default llm */
      namespace?: string;
      /**
       * Where the backend reaches the gateway (e.g. its in-cluster Service), for the playground;
       * the model's host name is sent as the Host header. Default: the route's URL
       * (`<scheme>://<hostname>`).
       * @visibility backend
       */
      url?: string;
    };
    /**
     * Host names of models are `<model>.<domainSuffix>`.
     * @default maas.local
     * @visibility frontend
     */
    domainSuffix?: string;
    /**
     * Public URL scheme of model endpoints, for the examples shown to users.
     * @default http
     * @visibility frontend
     */
    scheme?: 'http' | 'https';
    /** Models whose callers authenticate with OpenID Connect tokens. */
    oidc?: {
      /**
       * The OAuth client people get model tokens with (a public client that allows the device
       * flow), shown on an OIDC model's Usage tab with the issuer from the model's AuthPolicy.
       * @visibility frontend
       */
      clientId?: string;
    };
    /**
     * Groups whose members may do everything in the suite (approve keys, see all usage and the
     * audit history). Read by the portal's example permission policy (packages/backend); a
     * Backstage app with its own policy decides for itself.
     * @default ["group:default/platform-team"]
     */
    adminGroups?: string[];
    /**
     * Where the suite (the backend plugin and the scaffolder module, through maas-node's
     * loadKubeConfig) reaches the cluster, tried in this order: `name`, `kubeconfig`, the pod's
     * service account, $KUBECONFIG, ~/.kube/config; none of them means "no cluster connected".
     */
    cluster?: {
      /**
       * The name of a cluster of the Kubernetes plugin's config
       * (`kubernetes.clusterLocatorMethods[].clusters[]`, type `config`, with a
       * `serviceAccountToken`): the suite then uses the same cluster as the Kubernetes tab.
       */
      name?: string;
      /** Path of a kubeconfig file for the portal's account. */
      kubeconfig?: string;
      /** Timeout of one call to the API server, in milliseconds. @default 10000 */
      requestTimeoutMs?: number;
    };
    /** Prometheus that scrapes Limitador and the model servers. */
    prometheus?: {
      /** Base URL of Prometheus' HTTP API, e.g. http://prometheus.monitoring:9090 */
      url?: string;
      /** Timeout of one query, in milliseconds. @default 5000 */
      timeoutMs?: number;
      /** How long an answer is reused, in seconds. @default 30 */
      cacheTtlSeconds?: number;
    };
    /**
     * Prices for the Costs page (showback). A model's price overrides its tier's, field by field.
     * Without this section the Costs page shows usage only and says so.
     */
    pricing?: {
      /** ISO 4217 code of three capital letters, e.g. EUR. */
      currency: string;
      /** Decimals every cost is rounded to. @default 2 */
      decimals?: number;
      /** Prices per tier (Limitador's `group` label); `tier` is a name of `maas.tiers`. */
      tiers?: Array<{
        tier: string;
        /** Price of one million tokens (Limitador's authorized_hits under a token limit). */
        perMillionTokens?: number;
        /** Price of one thousand authorized requests. */
        perThousandRequests?: number;
      }>;
      /** Prices per model; `model` is the InferenceService as `<namespace>/<name>`. */
      models?: Array<{
        model: string;
        perMillionTokens?: number;
        perThousandRequests?: number;
      }>;
    };
    costs?: {
      /**
       * The IANA time zone calendar months run in on the Costs page and for `maas.budgets`
       * (a month from local midnight on the 1st), e.g. Europe/Berlin. Custom ranges stay UTC days.
       * @default UTC
       */
      timeZone?: string;
    };
    /**
     * Soft monthly budgets per catalog Group, in `maas.pricing.currency` (needs `maas.pricing`):
     * the Costs page shows each team's spend this calendar month (in `maas.costs.timeZone`) against it, and its team
     * leads are notified at 80 % and 100 %. Nothing is blocked.
     */
    budgets?: Array<{
      /** The Group's entity ref, e.g. group:default/team-a. */
      group: string;
      /** The amount per calendar month, above 0. */
      monthly: number;
    }>;
    /** Limitador's HTTP API (port 8080), read for live quota left; without it quota left is estimated. */
    limitador?: {
      /** Base URL, e.g. http://limitador-limitador.kuadrant-system:8080 */
      url?: string;
      /** Timeout of one request, in milliseconds. @default 3000 */
      timeoutMs?: number;
    };
    usage?: {
      /**
       * Share of vLLM's tokens over the last hour that Limitador may leave uncounted before the
       * health card says token limits are not being counted. @default 0.1
       */
      tokenMismatchShare?: number;
    };
    /**
     * Tiers of service: request and token limits per user, and whether a key needs an approver.
     * Windows use Kuadrant's units: h, m, s, ms (no days).
     * @visibility frontend
     */
    tiers?: Array<{
      /** @visibility frontend */
      name: string;
      /** @visibility frontend */
      requests: {
        /** @visibility frontend */
        limit: number;
        /** @visibility frontend */
        window: string;
      };
      /** @visibility frontend */
      tokens: {
        /** @visibility frontend */
        limit: number;
        /** @visibility frontend */
        window: string;
      };
      /** @visibility frontend */
      approval: 'auto' | 'manual';
    }>;
    /** Who decides key requests. */
    approvals?: {
      /**
       * Whether a requester may decide their own key request. Off: four eyes, another approver
       * decides. Turn on only for installs with a single admin.
       * @default false
       */
      allowSelfApproval?: boolean;
    };
    /** API keys requested through the portal. */
    keys?: {
      /**
       * Keys in use plus open new-key requests one user may have per model.
       * @default 3
       */
      maxActivePerUserAndModel?: number;
      /**
       * Lifetime of a key when the request names none, in days.
       * @default 90
       * @visibility frontend
       */
      defaultTtlDays?: number;
      /**
       * The longest lifetime a request may ask for, in days.
       * @default 365
       * @visibility frontend
       */
      maxTtlDays?: number;
      /**
       * How long a rotated key keeps working next to its replacement, in minutes.
       * @default 60
       * @visibility frontend
       */
      rotationOverlapMinutes?: number;
      /**
       * The longest reason a request may give, in characters.
       * @default 500
       * @visibility frontend
       */
      reasonMaxLength?: number;
      /**
       * Start of every key value (letters, digits, `_`, `-`), so that a leaked key is recognisable.
       * @default maas_
       */
      prefix?: string;
      /**
       * The namespace key Secrets are written to: the one where kuadrant-operator writes its
       * AuthConfigs (the Kuadrant CR's namespace), since Authorino reads API-key Secrets only
       * there. The portal's service account needs Secret rights in this namespace only.
       * @default kuadrant-system
       */
      namespace?: string;
    };
  };
}
