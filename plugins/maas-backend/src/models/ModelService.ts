import { ServiceUnavailableError } from '@backstage/errors';
import {
  ModelList,
  ModelTiers,
  ModelView,
  ObjectRef,
  PolicySummary,
  stringifyObjectRef,
} from '@maas-portal/plugin-maas-common';
import { MaasConfig } from '../config/MaasConfig';
import { ModelRef } from '../entities/ModelRef';
import { ModelReader } from '../entities/ModelReader';
import { ClusterState } from '../cluster/ClusterState';
import {
  AUTH_POLICY,
  AuthPolicy,
  Condition,
  HTTP_ROUTE,
  HTTPRoute,
  INFERENCE_SERVICE,
  InferenceService,
  LimitPolicy,
  Named,
  RATE_LIMIT_POLICY,
  ResourceKind,
  TargetRef,
  TELEMETRY_POLICY,
  TOKEN_RATE_LIMIT_POLICY,
  WATCHED_KINDS,
} from '@maas-portal/plugin-maas-node';
import { effectiveLimits } from '../gateway/effectiveLimits';
import { buildModelTiers } from './buildModelTiers';
import { RouteLimits, routeLimitsOf } from '../gateway/routeCounting';
import { AttachedPolicy, computeHealth } from './computeHealth';
import { tokenPoliciesNotReconciled } from './tokenLimitsNotReconciled';
import { buildExamples } from './buildExamples';
import {
  authModeOf,
  oidcIssuerOf,
  routeView,
  servedModelName,
} from './readModelObjects';

const POLICY_KINDS = [
  AUTH_POLICY,
  RATE_LIMIT_POLICY,
  TOKEN_RATE_LIMIT_POLICY,
  TELEMETRY_POLICY,
];
/** Without these two nothing can be said about a model. */
const ESSENTIAL_KINDS = [INFERENCE_SERVICE, HTTP_ROUTE];

function isCondition(c: Condition | undefined, status: string) {
  return c ? c.status === status : undefined;
}

function targets(
  ref: TargetRef | undefined,
  kind: string,
  name: string,
): boolean {
  return (
    !!ref &&
    ref.kind === kind &&
    ref.name === name &&
    ref.group === 'gateway.networking.k8s.io'
  );
}

/** Models as the portal shows them, read from the watch-based caches only. */
export class ModelService implements ModelReader {
  readonly #config: MaasConfig;
  readonly #state: ClusterState;

  constructor(options: { config: MaasConfig; state: ClusterState }) {
    this.#config = options.config;
    this.#state = options.state;
  }

  /**
   * The models of `entities` (each as its entity points at it, `entityRef` set), and with
   * `everyInferenceService` also every InferenceService none of them names, sorted by
   * InferenceService. `notReadable` is left to the caller, who decided which entities to pass.
   */
  listModels(options: {
    entities: ModelRef[];
    everyInferenceService: boolean;
  }): Omit<ModelList, 'notReadable'> {
    const warnings = this.#checkAvailable();
    const named = new Set(
      options.entities.map(e => stringifyObjectRef(e.inferenceService)),
    );
    const unnamed = options.everyInferenceService
      ? this.#state
          .list<InferenceService>(INFERENCE_SERVICE)
          .map(isvc => ({
            inferenceService: {
              namespace: isvc.metadata!.namespace!,
              name: isvc.metadata!.name!,
            },
          }))
          .filter(ref => !named.has(stringifyObjectRef(ref.inferenceService)))
      : [];
    const items = [...options.entities, ...unnamed]
      .map(ref => this.#view(ref))
      .sort(
        (a, b) =>
          stringifyObjectRef(a.inferenceService).localeCompare(
            stringifyObjectRef(b.inferenceService),
          ) || (a.entityRef ?? '').localeCompare(b.entityRef ?? ''),
      );
    return {
      items,
      everyInferenceService: options.everyInferenceService,
      warnings,
      cache: this.#state.age(),
    };
  }

  getModel(ref: ModelRef): ModelView & { warnings: string[] } {
    const warnings = this.#checkAvailable();
    return { ...this.#view(ref), warnings };
  }

  getTiers(ref: ModelRef): ModelTiers {
    const warnings = this.#checkAvailable();
    const { route, gatewayRef } = this.#resolveRoute(ref);
    const { requests, tokens, unreconciled } = this.#limitPolicies(
      route,
      gatewayRef,
    );
    // Token limits the installed Kuadrant does not enforce are still shown, as written, with the
    // sentence that says they are not in force.
    warnings.push(...unreconciled.values());
    if (!route) {
      warnings.push(
        `No HTTPRoute is found for ${stringifyObjectRef(
          ref.inferenceService,
        )}, so only gateway-level limits are shown`,
      );
    }
    return {
      ...tiersOf(this.#config.tiers, requests, tokens),
      warnings,
      cache: this.#state.age([
        HTTP_ROUTE,
        RATE_LIMIT_POLICY,
        TOKEN_RATE_LIMIT_POLICY,
      ]),
    };
  }

  /**
   * The limits that make Limitador count calls on the route `<namespace>/<name>` (Limitador's
   * namespace), per tier, for counting calls and tokens (gateway/routeCounting.ts); undefined when the
   * cache holds no such HTTPRoute. Token policies the installed kuadrant-operator does not reconcile
   * (v1.2) count nothing, so they are left out; every other attached policy counts, whatever its
   * status says now: the counters it made stay in the metrics.
   */
  routeLimits(limitadorNamespace: string): RouteLimits | undefined {
    const [namespace, name] = limitadorNamespace.split('/');
    const route = this.#state.get<HTTPRoute>(HTTP_ROUTE, namespace, name);
    if (!route) return undefined;
    const { gatewayRef } = this.#resolveRoute({
      inferenceService: { namespace, name: '' },
      route: { namespace, name },
    });
    const { requests, tokens, unreconciled } = this.#limitPolicies(
      route,
      gatewayRef,
    );
    const counting = (policies: LimitPolicy[]) =>
      policies.filter(p => !unreconciled.has(p));
    return routeLimitsOf(
      tiersOf([], requests, {
        route: counting(tokens.route),
        gateway: counting(tokens.gateway),
      }),
    );
  }

  /** Limitador's namespace of a model's route (`<route namespace>/<route name>`), if it has one. */
  limitadorNamespaceOf(inferenceService: ObjectRef): string | undefined {
    const { route } = this.#resolveRoute({ inferenceService });
    return route
      ? `${route.metadata.namespace}/${route.metadata.name}`
      : undefined;
  }

  /**
   * The request and token limit policies attached to a route and its Gateway, and the token policies
   * the installed kuadrant-operator does not reconcile (told apart by what it reports on the route's
   * other policies), with the sentence for each.
   */
  #limitPolicies(
    route: HTTPRoute | undefined,
    gatewayRef: ObjectRef | undefined,
  ) {
    const attached = (kind: ResourceKind) =>
      this.#attached<LimitPolicy>(kind, route, gatewayRef);
    const reported = [
      AUTH_POLICY,
      RATE_LIMIT_POLICY,
      TOKEN_RATE_LIMIT_POLICY,
    ].flatMap(kind => {
      const { route: onRoute, gateway } = attached(kind);
      return [...onRoute, ...gateway].map(object => ({
        kind: kind.kind,
        object,
      }));
    });
    return {
      requests: attached(RATE_LIMIT_POLICY),
      tokens: attached(TOKEN_RATE_LIMIT_POLICY),
      unreconciled: tokenPoliciesNotReconciled(reported),
    };
  }

  /** Throws 503 when the essential caches have no data; returns warnings for partial data. */
  #checkAvailable(): string[] {
    const warnings: string[] = [];
    for (const kind of WATCHED_KINDS) {
      const status = this.#state.status(kind);
      const essential = ESSENTIAL_KINDS.includes(kind);
      if (status.state === 'synced') continue;
      if (!status.syncedAt) {
        const why =
          status.failure?.message ??
          `the cache of ${kind.plural} is still loading`;
        if (essential)
          throw new ServiceUnavailableError(
            `${why}. Models cannot be shown until it is fixed.`,
          );
        warnings.push(`${why}; ${kind.kind}s are left out.`);
      } else {
        warnings.push(
          `${
            status.failure?.message ?? `${kind.plural} cache is reconnecting`
          }; showing ${kind.kind}s as they were ${status.ageSeconds} s ago.`,
        );
      }
    }
    return warnings;
  }

  #resolveRoute(ref: ModelRef): {
    route?: HTTPRoute;
    routeName?: string;
    gatewayRef?: ObjectRef;
  } {
    const isvcName = ref.inferenceService.name;
    let route: HTTPRoute | undefined;
    let routeName: string | undefined;
    if (ref.route) {
      routeName = stringifyObjectRef(ref.route);
      route = this.#state.get<HTTPRoute>(
        HTTP_ROUTE,
        ref.route.namespace,
        ref.route.name,
      );
    } else {
      route = this.#state
        .list<HTTPRoute>(HTTP_ROUTE, ref.inferenceService.namespace)
        .find(r =>
          r.spec?.rules?.some(rule =>
            rule.backendRefs?.some(b => b.name === `${isvcName}-predictor`),
          ),
        );
      routeName = route
        ? `${route.metadata.namespace}/${route.metadata.name}`
        : undefined;
    }
    const parent = route?.spec?.parentRefs?.find(
      p => (p.kind ?? 'Gateway') === 'Gateway',
    );
    const gatewayRef = parent
      ? {
          namespace: parent.namespace ?? route!.metadata.namespace!,
          name: parent.name,
        }
      : undefined;
    return { route, routeName, gatewayRef };
  }

  #attached<T extends Named & { spec?: { targetRef?: TargetRef } }>(
    kind: ResourceKind,
    route: HTTPRoute | undefined,
    gatewayRef: ObjectRef | undefined,
  ): { route: T[]; gateway: T[] } {
    const onRoute = route
      ? this.#state
          .list<T>(kind, route.metadata.namespace)
          .filter(p =>
            targets(p.spec?.targetRef, 'HTTPRoute', route.metadata.name),
          )
      : [];
    const onGateway = gatewayRef
      ? this.#state
          .list<T>(kind, gatewayRef.namespace)
          .filter(p => targets(p.spec?.targetRef, 'Gateway', gatewayRef.name))
      : [];
    return { route: onRoute, gateway: onGateway };
  }

  #view(ref: ModelRef): ModelView {
    const isvc = this.#state.get<InferenceService>(
      INFERENCE_SERVICE,
      ref.inferenceService.namespace,
      ref.inferenceService.name,
    );
    const { route, routeName, gatewayRef } = this.#resolveRoute(ref);
    const attachedPolicies: AttachedPolicy[] = [];
    const summaries: PolicySummary[] = [];
    for (const kind of POLICY_KINDS) {
      const { route: onRoute, gateway: onGateway } = this.#attached<
        Named & {
          spec?: { targetRef?: TargetRef };
          status?: { conditions?: Condition[] };
        }
      >(kind, route, gatewayRef);
      for (const [policies, attachedTo] of [
        [onRoute, 'route'],
        [onGateway, 'gateway'],
      ] as const) {
        for (const policy of policies) {
          attachedPolicies.push({
            kind: kind.kind,
            object: policy,
            attachedTo,
          });
          const conditions = policy.status?.conditions;
          summaries.push({
            kind: kind.kind as PolicySummary['kind'],
            namespace: policy.metadata.namespace ?? '',
            name: policy.metadata.name,
            attachedTo,
            accepted: isCondition(
              conditions?.find(c => c.type === 'Accepted'),
              'True',
            ),
            enforced: isCondition(
              conditions?.find(c => c.type === 'Enforced'),
              'True',
            ),
          });
        }
      }
    }
    const health = computeHealth({
      inferenceService: isvc,
      inferenceServiceName: stringifyObjectRef(ref.inferenceService),
      route,
      routeName,
      // TelemetryPolicy only shapes metrics; it does not decide whether a model serves.
      policies: attachedPolicies.filter(p => p.kind !== 'TelemetryPolicy'),
    });
    const authPolicies = attachedPolicies
      .filter(p => p.kind === 'AuthPolicy')
      .map(p => p.object as AuthPolicy);
    const authMode = authModeOf(authPolicies);
    const hostname = route?.spec?.hostnames?.[0];
    const url = hostname
      ? `${this.#config.scheme}://${hostname}`
      : isvc?.status?.url;
    const modelName = servedModelName(isvc) ?? ref.inferenceService.name;
    return {
      entityRef: ref.entityRef,
      modelName,
      inferenceService: {
        ...ref.inferenceService,
        found: !!isvc,
        modelState: isvc?.status?.modelStatus?.states?.activeModelState,
      },
      route: routeView(route, ref.route),
      gateway: gatewayRef,
      policies: summaries,
      health,
      url,
      authMode,
      oidcIssuer: oidcIssuerOf(authPolicies),
      examples: url ? buildExamples({ url, modelName, authMode }) : undefined,
      cache: this.#state.age(),
    };
  }
}

/** The tiers of a route from the request and token limit policies attached to it and its Gateway. */
function tiersOf(
  configured: Parameters<typeof buildModelTiers>[0]['configured'],
  requests: { route: LimitPolicy[]; gateway: LimitPolicy[] },
  tokens: { route: LimitPolicy[]; gateway: LimitPolicy[] },
) {
  return buildModelTiers({
    configured,
    requests: effectiveLimits(
      'RateLimitPolicy',
      requests.route,
      requests.gateway,
    ),
    tokens: effectiveLimits(
      'TokenRateLimitPolicy',
      tokens.route,
      tokens.gateway,
    ),
  });
}
