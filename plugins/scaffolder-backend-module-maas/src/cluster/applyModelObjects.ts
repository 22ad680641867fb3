import { InputError } from '@backstage/errors';
import { isDeepStrictEqual } from 'node:util';
import {
  KubeConfig,
  KubernetesObject,
  PatchStrategy,
} from '@kubernetes/client-node';
import { MAAS_FIELD_MANAGER } from '@maas-portal/plugin-maas-common';
import {
  apiVersionOf,
  HTTP_ROUTE,
  HTTPRoute,
  httpStatusOf,
  INFERENCE_SERVICE,
  MODEL_KINDS,
  modelKind,
} from '@maas-portal/plugin-maas-node';
import {
  describeObject,
  explainObjectError,
  notServedObjectMessage,
  ObjectDescription,
} from './describeObject';
import { foreignManager } from './foreignManager';
import { ModelObjectApi } from './ModelObjectApi';
import { bindKeySelectorToModel } from '../manifests/authPolicy';
import { takenHosts } from './takenHosts';

/** An object without what every write changes, to tell whether an apply would change anything. */
function comparable(object: KubernetesObject): unknown {
  const { managedFields, resourceVersion, generation, ...metadata } =
    object.metadata ?? {};
  return JSON.parse(JSON.stringify({ ...object, metadata }));
}

/** An object's labels and annotations, comparable as a string. */
const labelsOf = (object?: KubernetesObject) =>
  JSON.stringify([object?.metadata?.labels, object?.metadata?.annotations]);

export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

export interface AppliedObject {
  kind: string;
  namespace: string;
  name: string;
  outcome: ApplyOutcome;
  resourceVersion: string;
}

/** A failed apply: names the object, the reason, and which objects were and were not applied. */
export class ModelApplyError extends Error {
  name = 'ModelApplyError';
  constructor(
    message: string,
    readonly applied: AppliedObject[],
    readonly notApplied: string[],
  ) {
    super(message);
  }
}

/** Runs a side effect once; the action passes `ctx.checkpoint` so a resumed task skips done work. */
export type Step = <T extends object>(
  key: string,
  fn: () => Promise<T>,
) => Promise<T>;

const direct: Step = (_key, fn) => fn();

/** Checks that every object is one of the model kinds, with a name and a namespace. */
export function checkModelObjects(objects: unknown[]): ObjectDescription[] {
  if (!Array.isArray(objects) || objects.length === 0) {
    throw new InputError('manifests: no objects to apply');
  }
  return objects.map((o, i) => {
    const object = o as Partial<ObjectDescription>;
    const kind = modelKind(object?.kind);
    if (!kind || object.apiVersion !== apiVersionOf(kind)) {
      throw new InputError(
        `manifests[${i}]: ${object?.apiVersion}/${
          object?.kind
        } is not an object of a model; allowed: ${MODEL_KINDS.map(
          k => `${apiVersionOf(k)} ${k.kind}`,
        ).join(', ')}`,
      );
    }
    if (!object.metadata?.name || !object.metadata?.namespace) {
      throw new InputError(
        `manifests[${i}]: ${object.kind} needs metadata.name and metadata.namespace`,
      );
    }
    return object as ObjectDescription;
  });
}

/**
 * Server-side applies a model's objects with the suite's field manager. First every object is
 * checked (an existing object the portal does not manage is never taken over; a host name another
 * route of the Gateway serves is refused) and applied as a dry run (API served, permission,
 * schema), so that bad input changes nothing; then each is applied in order. Re-running with the
 * same objects changes nothing.
 */
export async function applyModelObjects(options: {
  /** The portal's account: reads existing objects and the Gateway's routes. */
  kubeConfig: KubeConfig;
  /** Who writes, when not the portal's account: the signed-in user, impersonated. */
  applyAs?: KubeConfig;
  /** How refusals name the writer of `applyAs`, e.g. "The signed-in user". */
  applyAsAccount?: string;
  objects: unknown[];
  step?: Step;
  log?: (message: string) => void;
  /** Bound of one API-server call (`maas.cluster.requestTimeoutMs`). */
  timeoutMs?: number;
}): Promise<AppliedObject[]> {
  const { kubeConfig, step = direct, log = () => {} } = options;
  const objects = checkModelObjects(options.objects);
  const api = ModelObjectApi.forConfig(kubeConfig, options.timeoutMs);
  const writer = options.applyAs
    ? ModelObjectApi.forConfig(options.applyAs, options.timeoutMs)
    : api;
  /** The UID of a model's InferenceService, which its AuthPolicy's key selector names. */
  const readUid = async (model: { namespace: string; name: string }) =>
    (
      await api
        .read({
          apiVersion: apiVersionOf(INFERENCE_SERVICE),
          kind: INFERENCE_SERVICE.kind,
          metadata: model,
        })
        .catch(error => {
          if (httpStatusOf(error) === 404) return undefined;
          throw error;
        })
    )?.metadata?.uid;
  const apply = (object: ObjectDescription, dryRun?: 'All') =>
    writer.patch(
      object as KubernetesObject,
      undefined,
      dryRun,
      MAAS_FIELD_MANAGER,
      // The objects are the model's own: take back fields someone else changed.
      true,
      PatchStrategy.ServerSideApply,
    );

  const problems: string[] = [];
  const refused = (object: ObjectDescription, why: string) =>
    problems.push(`${describeObject(object)}: ${why}`);
  const routes = objects.filter(o => o.kind === HTTP_ROUTE.kind);
  try {
    problems.push(...(await takenHosts(api, routes as HTTPRoute[])));
  } catch (error) {
    for (const route of routes) {
      refused(route, explainObjectError(error, route, 'list'));
    }
  }
  const before = new Map<
    ObjectDescription,
    {
      resourceVersion?: string;
      generation?: number;
      labels: string;
      unchanged: boolean;
    }
  >();
  for (const object of objects) {
    try {
      if (!(await api.served(object.apiVersion, object.kind))) {
        refused(object, notServedObjectMessage(object));
        continue;
      }
    } catch (error) {
      refused(object, explainObjectError(error, object, 'discover'));
      continue;
    }
    let writing = false;
    try {
      const existing = await api
        .read(
          object as KubernetesObject & {
            metadata: { name: string; namespace: string };
          },
        )
        .catch(error => {
          if (httpStatusOf(error) === 404) return undefined;
          throw error;
        });
      const manager = existing && foreignManager(existing);
      if (manager) {
        refused(
          object,
          `exists and is not managed by the portal (managed by ${manager}); the portal does not take over objects it did not create: delete it, or choose another model name`,
        );
        continue;
      }
      writing = true;
      // Compare what the real apply will write: an AuthPolicy bound to its InferenceService's UID
      // when that exists already (a re-apply), else as rendered.
      const wouldBe = await apply(
        await bindKeySelectorToModel(object, readUid),
        'All',
      );
      before.set(object, {
        resourceVersion: existing?.metadata?.resourceVersion,
        generation: existing?.metadata?.generation,
        labels: labelsOf(existing),
        unchanged:
          !!existing &&
          isDeepStrictEqual(comparable(existing), comparable(wouldBe)),
      });
    } catch (error) {
      refused(
        object,
        explainObjectError(
          error,
          object,
          writing ? 'patch' : 'get',
          writing ? options.applyAsAccount : undefined,
        ),
      );
    }
  }
  if (problems.length > 0) {
    throw new ModelApplyError(
      `Nothing was applied; the dry run found: ${problems.join('; ')}`,
      [],
      objects.map(describeObject),
    );
  }

  const applied: AppliedObject[] = [];
  for (const [i, object] of objects.entries()) {
    const { kind, metadata } = object;
    try {
      const result = await step(
        `apply.${kind}.${metadata.namespace}.${metadata.name}`,
        async () => {
          const previous = before.get(object)!;
          if (previous.unchanged) {
            // Nothing to change: skip the write, which some API servers make anyway (managedFields time).
            return {
              kind,
              namespace: metadata.namespace,
              name: metadata.name,
              outcome: 'unchanged' as ApplyOutcome,
              resourceVersion: previous.resourceVersion ?? '',
            };
          }
          const response = await apply(
            await bindKeySelectorToModel(object, readUid),
          );
          const resourceVersion = response.metadata?.resourceVersion ?? '';
          let outcome: ApplyOutcome = 'created';
          if (previous.resourceVersion !== undefined) {
            // A policy's controller writes its status at any time, which changes the resourceVersion
            // but not the generation: the generation (spec) and the labels and annotations tell
            // whether this apply changed anything.
            const generation = response.metadata?.generation;
            const same =
              previous.generation !== undefined && generation !== undefined
                ? previous.generation === generation &&
                  previous.labels === labelsOf(response)
                : previous.resourceVersion === resourceVersion;
            outcome = same ? 'unchanged' : 'configured';
          }
          return {
            kind,
            namespace: metadata.namespace,
            name: metadata.name,
            outcome,
            resourceVersion,
          };
        },
      );
      log(`${describeObject(object)} ${result.outcome}`);
      applied.push(result);
    } catch (error) {
      const notApplied = objects.slice(i).map(describeObject);
      const done = applied.map(a => `${a.kind} ${a.namespace}/${a.name}`);
      throw new ModelApplyError(
        `${describeObject(object)} could not be applied: ${explainObjectError(
          error,
          object,
          'patch',
          options.applyAsAccount,
        )}. ` +
          `The model is half applied. Applied: ${
            done.length ? done.join(', ') : 'nothing'
          }. ` +
          `Not applied: ${notApplied.join(
            ', ',
          )}. Fix the cause and run the template again; applying is idempotent.`,
        applied,
        notApplied,
      );
    }
  }
  return applied;
}
