import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ActionsRegistryActionOptions,
  ActionsRegistryService,
} from '@backstage/backend-plugin-api/alpha';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  KeyRequest,
  KeyRequestState,
  maasKeyRequestPermission,
  ModelView,
} from '@maas-portal/plugin-maas-common';
import { parseEntityRefParam } from '../entities/readModelRef';
import { gatewayUserId } from '../gateway/gatewayUserId';
import { MaasActionServices } from './MaasActionServices';

/*
 * The shapes the MCP actions answer with. The actions registry parses every output with its schema
 * and drops any field the schema does not name: a field is here or it never reaches a client. None
 * of them holds a key's value.
 */

/**
 * The zod the registry hands to schemas (its own copy's v3 API): typed from the registry, as the
 * package's own zod is another copy whose types would not match.
 */
type Zod = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

const rate = (z: Zod) =>
  z.object({
    limit: z.number(),
    window: z.string().describe('Kuadrant window, e.g. 1m, 1h'),
  });

const quotaLeft = (z: Zod) =>
  z.object({
    limitName: z.string(),
    limit: z.number(),
    window: z.string(),
    remaining: z.number(),
    resetsInSeconds: z.number().optional(),
    notEnforced: z
      .string()
      .optional()
      .describe(
        'Why nothing counts against this limit; remaining means nothing then',
      ),
  });

/** One model the caller may read, as the list-models action answers it. */
const modelSchema = (z: Zod) =>
  z.object({
    entityRef: z
      .string()
      .describe('The catalog entity: name it to ask for a key'),
    modelName: z
      .string()
      .describe('What clients send as `model` in OpenAI requests'),
    inferenceService: z.string().describe('<namespace>/<name> on the cluster'),
    url: z
      .string()
      .optional()
      .describe('The OpenAI-compatible endpoint, through the gateway'),
    authMode: z.string().describe('api-key, oidc, none or unknown'),
    health: z.string().describe('healthy, degraded or unhealthy'),
    mayRequestKey: z
      .boolean()
      .describe('Whether the caller holds maas.key.request on the model'),
    tiers: z.array(
      z.object({
        name: z.string(),
        approval: z
          .string()
          .optional()
          .describe(
            'auto: a key is issued at once; manual: an approver decides',
          ),
        requests: z.array(rate(z)).describe('Request limits in force'),
        tokens: z.array(rate(z)).describe('Token limits in force'),
      }),
    ),
    quota: z
      .object({
        source: z
          .string()
          .optional()
          .describe('limitador (its counters) or estimate (from its metrics)'),
        tiers: z.array(
          z.object({
            tier: z.string(),
            requests: quotaLeft(z).nullable(),
            tokens: quotaLeft(z).nullable(),
          }),
        ),
        message: z.string().optional(),
        warnings: z.array(z.string()),
      })
      .optional()
      .describe("The caller's quota left, per tier of their working keys"),
    quotaUnavailable: z
      .string()
      .optional()
      .describe('Why there is no quota figure for this model'),
  });

/** A key request as the actions show it: its state, never a key's value. */
const keyRequestSchema = (z: Zod) =>
  z.object({
    id: z.string(),
    kind: z.string().describe('new-key or tier-change'),
    entityRef: z.string(),
    model: z.string(),
    userEntityRef: z.string(),
    tier: z.string(),
    reason: z.string(),
    state: z
      .string()
      .describe('pending, approved, issued, rejected, cancelled or failed'),
    keyId: z.string().optional().describe('The key it made, once issued'),
    createdAt: z.string(),
    decidedBy: z.string().optional(),
    decidedAt: z.string().optional(),
    decisionComment: z.string().optional(),
    name: z.string().optional(),
    expiresInDays: z.number().optional(),
    failureReason: z.string().optional(),
    failedAt: z.string().optional(),
    canDecide: z
      .boolean()
      .optional()
      .describe('Whether the caller may approve or reject it'),
  });

/** The most requests one list answer holds; `cursor` pages on. */
const LIST_LIMIT = 50;

/** The signed-in user behind an action's credentials, or undefined for a service. */
function userRefOf(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
  };
  return principal.type === 'user' ? principal.userEntityRef : undefined;
}

/** Keys and requests belong to people: a service's credentials are refused, saying so. */
function requireUser(credentials: BackstageCredentials): string {
  const userRef = userRefOf(credentials);
  if (!userRef) {
    throw new NotAllowedError(
      'Keys and key requests belong to people: call this action with a signed-in user’s Backstage token, not as a service',
    );
  }
  return userRef;
}

/** What happened to a new key request and where its key's value is, in words for the caller. */
function requestOutcome(request: KeyRequest, myKeysUrl: string): string {
  const what = `Key request ${request.id} for ${request.model} (tier ${request.tier})`;
  switch (request.state) {
    case 'issued':
      return `${what}: tier ${request.tier} is approved automatically and key ${request.keyId} was issued. Its value is never returned by an action: its owner sees it once on My API keys (${myKeysUrl}).`;
    case 'failed':
      return `${what} failed: ${
        request.failureReason ?? 'no key could be issued'
      }.`;
    case 'approved':
      return `${what} is approved; its key is not out yet and the portal retries within minutes. Its value is shown once on My API keys (${myKeysUrl}).`;
    default:
      return `${what} is ${request.state}: an approver (the model's owners or an admin) decides it. Follow it with the list-my-requests action or on My API keys (${myKeysUrl}), where the key's value is shown once when it is issued.`;
  }
}

/** One model of `GET /models` for the caller: its tiers' limits and the caller's quota left. */
async function describeModel(
  services: MaasActionServices,
  credentials: BackstageCredentials,
  model: ModelView & { entityRef: string },
  mayRequestKey: boolean,
  logger: LoggerService,
): Promise<ReturnType<typeof modelSchema>['_output']> {
  const base = {
    entityRef: model.entityRef,
    modelName: model.modelName,
    inferenceService: `${model.inferenceService.namespace}/${model.inferenceService.name}`,
    url: model.url,
    authMode: model.authMode,
    health: model.health.state,
    mayRequestKey,
  };
  let lookup;
  try {
    lookup = await services.lookupModel(credentials, model.entityRef);
  } catch (error) {
    logger.warn(
      `maas:list-models: ${model.entityRef}: ${(error as Error).message}`,
    );
    return {
      ...base,
      tiers: [],
      quotaUnavailable: (error as Error).message,
    };
  }
  const { service, ref, binding } = lookup;
  const tiers = service.getTiers(ref).tiers.map(t => ({
    name: t.name,
    approval: t.approval,
    requests: t.requests.flatMap(l => l.rates),
    tokens: t.tokens.flatMap(l => l.rates),
  }));
  const userRef = userRefOf(credentials);
  if (!userRef)
    return {
      ...base,
      tiers,
      quotaUnavailable: 'Only a signed-in user has a quota',
    };
  if (!binding.bound)
    return { ...base, tiers, quotaUnavailable: binding.reason };
  try {
    const quota = await services.quotaOf({
      userId: gatewayUserId(userRef),
      userEntityRef: userRef,
      model: ref,
      models: service,
    });
    return { ...base, tiers, quota };
  } catch (error) {
    return { ...base, tiers, quotaUnavailable: (error as Error).message };
  }
}

/**
 * The portal's self-service as actions of Backstage's actions registry, which
 * `@backstage/plugin-mcp-actions-backend` serves as MCP tools: the models one may use, asking for a
 * key, one's requests, and deciding requests. Each calls the services and permission checks of the
 * REST route that does the same, with the action's credentials (the MCP client's user); no action
 * ever answers with a key's value.
 */
export function registerMaasActions(options: {
  actionsRegistry: ActionsRegistryService;
  services: MaasActionServices;
  /** `KEY_REQUEST_STATES`: the states a request can be in, for the list's filter. */
  requestStates: readonly KeyRequestState[];
}): void {
  const { services, requestStates } = options;
  // Every action reads the cluster's watch caches: one called just after a start waits for their
  // first LIST, as the REST routes do.
  const registry: Pick<ActionsRegistryService, 'register'> = {
    register: action =>
      options.actionsRegistry.register({
        ...action,
        action: async context => {
          await services.clusterRead();
          return action.action(context);
        },
      }),
  };
  const { gate, keyAccess, keyRequests, myKeysUrl } = services;

  registry.register({
    name: 'list-models',
    title: 'List the models I may use',
    description:
      "The models of the catalog you may read: each one's OpenAI-compatible endpoint, its tiers with the request and token limits in force, whether you may ask for a key, and the quota you have left per tier of your keys.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({}),
      output: z =>
        z.object({
          models: z.array(modelSchema(z)),
          notReadable: z
            .array(z.string())
            .describe(
              'Model entities you may not read: nothing is said of them',
            ),
          warnings: z.array(z.string()),
        }),
    },
    action: async ({ credentials, logger }) => {
      const list = await services.listModels(credentials);
      // Only models of a catalog entity: a key is asked for by entity.
      const items = list.items.filter(
        (m): m is ModelView & { entityRef: string } => !!m.entityRef,
      );
      const mayRequest = await gate.allowedOn(
        credentials,
        maasKeyRequestPermission,
        items.map(m => m.entityRef),
      );
      return {
        output: {
          models: await Promise.all(
            items.map(m =>
              describeModel(
                services,
                credentials,
                m,
                mayRequest.has(m.entityRef),
                logger,
              ),
            ),
          ),
          notReadable: list.notReadable,
          warnings: list.warnings,
        },
      };
    },
  });

  registry.register({
    name: 'request-key',
    title: 'Ask for an API key',
    description:
      "Asks for an API key to a model, in a tier, giving a reason. A manual tier waits for an approver (the model's owners or an admin); an automatic one is issued at once. The key's value is never returned by an action: its owner sees it once on the portal's My API keys page.",
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .min(1)
            .max(400)
            .describe('The model’s catalog entity, as list-models names it'),
          tier: z.string().min(1).max(100).describe('One of the model’s tiers'),
          reason: z.string().describe('What the key is for; approvers read it'),
          name: z
            .string()
            .max(200)
            .optional()
            .describe('A name for the key, e.g. ci-pipeline'),
          expiresInDays: z
            .number()
            .int()
            .positive()
            .optional()
            .describe('Days the key lives; the portal caps it'),
        }),
      output: z =>
        z.object({
          request: keyRequestSchema(z),
          keyIssued: z.boolean(),
          message: z.string(),
          myKeysUrl: z
            .string()
            .describe('My API keys, where the owner sees the value once'),
        }),
    },
    action: async ({ credentials, input }) => {
      const userRef = requireUser(credentials);
      // As POST /keys/requests: maas.key.request on the entity, then the entity read as a model.
      const entityRef = parseEntityRefParam(input.entityRef);
      await keyAccess.requireRequest(
        credentials,
        stringifyEntityRef(entityRef),
      );
      const model = await services.modelRefs.read(entityRef, credentials);
      const { request } = await keyRequests.askForKey({
        model,
        userEntityRef: userRef,
        tier: input.tier,
        reason: input.reason,
        name: input.name,
        expiresInDays: input.expiresInDays,
        valueShown: 'on-my-keys-page',
      });
      return {
        output: {
          request,
          keyIssued: request.state === 'issued',
          message: requestOutcome(request, myKeysUrl),
          myKeysUrl,
        },
      };
    },
  });

  /** The input of a paged list: the previous page's nextCursor. */
  const pageCursor = (z: Zod) =>
    z.string().max(400).optional().describe('nextCursor of the previous page');
  const pageOutput = (z: Zod) =>
    z.object({
      requests: z.array(keyRequestSchema(z)),
      nextCursor: z
        .string()
        .optional()
        .describe('Pass it as cursor for the next page'),
    });

  registry.register({
    name: 'list-my-requests',
    title: 'List my key requests',
    description:
      'Your key requests, newest first, each with its state (pending, approved, issued, rejected, cancelled, failed), who decided it and why.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          state: z
            .enum(requestStates as [KeyRequestState, ...KeyRequestState[]])
            .optional()
            .describe('Only requests in this state'),
          cursor: pageCursor(z),
        }),
      output: pageOutput,
    },
    action: async ({ credentials, input }) => {
      const userRef = requireUser(credentials);
      // As GET /keys/requests?mine=true.
      const page = await keyRequests.listPage({
        filter: { userEntityRef: userRef, state: input.state },
        limit: LIST_LIMIT,
        cursor: input.cursor,
        visible: rows => keyAccess.visibleRequests(credentials, userRef, rows),
      });
      return {
        output: { requests: page.items, nextCursor: page.nextCursor },
      };
    },
  });

  registry.register({
    name: 'list-requests-to-decide',
    title: 'List the key requests I may decide',
    description:
      'Pending key requests of others that you may approve or reject (as an owner of the model or an admin), newest first.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          cursor: pageCursor(z),
        }),
      output: pageOutput,
    },
    action: async ({ credentials, input }) => {
      const userRef = requireUser(credentials);
      // As GET /keys/requests?state=pending, keeping those the caller may decide.
      const page = await keyRequests.listPage({
        filter: { state: 'pending' },
        limit: LIST_LIMIT,
        cursor: input.cursor,
        visible: async rows =>
          (
            await keyAccess.visibleRequests(credentials, userRef, rows)
          ).filter(r => r.canDecide),
      });
      return {
        output: { requests: page.items, nextCursor: page.nextCursor },
      };
    },
  });

  registry.register({
    name: 'decide-request',
    title: 'Approve or reject key requests',
    description:
      "Approves or rejects pending key requests, each on its own: deciding takes maas.key.approve on the model and being its owner or an admin, and nobody decides their own request. An approved new-key request issues the key; its value goes to its owner's My API keys page, never to this answer.",
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z =>
        z.object({
          requestIds: z
            .array(z.string().min(1).max(64))
            .min(1)
            .max(100)
            .describe('Ids of the requests, from list-requests-to-decide'),
          decision: z.enum(['approve', 'reject']),
          comment: z
            .string()
            .max(2000)
            .optional()
            .describe(
              'Required to reject: the requester reads it as the reason',
            ),
        }),
      output: z =>
        z.object({
          results: z.array(
            z.object({
              id: z.string(),
              ok: z.boolean(),
              request: keyRequestSchema(z).optional(),
              error: z
                .string()
                .optional()
                .describe('Why this request was not decided'),
              warning: z.string().optional(),
            }),
          ),
          summary: z.string(),
        }),
    },
    action: async ({ credentials, input }) => {
      const userRef = requireUser(credentials);
      // As POST /keys/requests/decisions: who may decide which, asked once for them all.
      const results = await keyRequests.decideEach({
        ids: input.requestIds,
        decision: input.decision,
        actor: userRef,
        comment: input.comment,
        refusalOf: found => keyAccess.deciding(credentials, userRef, found),
      });
      const done = results.filter(r => r.ok).length;
      const verb = input.decision === 'approve' ? 'approved' : 'rejected';
      return {
        output: {
          results,
          summary: `${done} of ${results.length} key request${
            results.length === 1 ? '' : 's'
          } ${verb}${
            done < results.length
              ? `; not decided: ${results
                  .filter(r => !r.ok)
                  .map(r => `${r.id} (${r.error})`)
                  .join('; ')}`
              : ''
          }`,
        },
      };
    },
  });
}
