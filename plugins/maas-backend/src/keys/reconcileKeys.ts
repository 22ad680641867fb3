import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { ApiKeyState, parseObjectRef } from '@maas-portal/plugin-maas-common';
import { SCHEDULER } from './auditEvents';
import { KeySecretInfo, KeySecrets } from './KeySecrets';
import { KeyServices } from './createKeyServices';
import { StoredKey } from './store/KeyStore';

/** States whose Secret must be gone. */
const DEAD_STATES: ApiKeyState[] = ['revoked', 'expired', 'rotated'];

export interface ReconcileReport {
  /** Approved requests finished: a key issued (or a Secret left by a crash adopted), or a tier applied. */
  completed: string[];
  /** Approved requests that failed for good: their model is gone, or every attempt failed. */
  failedRequests: string[];
  /** Secrets deleted because their key is missing, revoked, expired or rotated. */
  deletedSecrets: string[];
  /**
   * Keys whose Secret moved from the model's namespace to the keys namespace, or got this
   * install's label (both an upgrade).
   */
  migrated: string[];
  /**
   * Secrets without an install label whose key this database does not know: another portal's
   * from before the label, or an orphan nobody can prove is this install's. Left alone.
   */
  unclaimed: string[];
  /** Keys revoked because their model's InferenceService is gone or was made again (another UID). */
  revokedModelGone: string[];
  /**
   * Live keys revoked because their Secret is gone (deleted outside the portal): the value lived
   * only there, so the key cannot be written again, and the gateway already refuses it.
   */
  revokedSecretGone: string[];
  failures: string[];
}

/**
 * Finishes approved requests (or fails them, with the reason, when their model is gone or every
 * attempt failed: see `RequestFinisher`). Repairs what a crash between a database write and a cluster write leaves behind, so that no
 * approved request stays without its key and no suite-made Secret lives without a live key;
 * revokes the keys of a model that is gone or was made again (the key record stays, revoked,
 * with its audit event); and moves key Secrets of the old layout (in the model's namespace, old
 * labels) to the keys namespace with the labels the model's AuthPolicy selects.
 * Touches only this install's Secrets (portals may share the keys namespace): those with its
 * install label, and unlabelled ones of an older release whose key its database holds, which get
 * the label; any other Secret is left alone, never deleted.
 * Idempotent and safe to run on several replicas at once: every change is conditional, and a
 * Secret or request younger than `graceMs` is left to the call that is still making it.
 */
export async function reconcileKeys(options: {
  keys: KeyServices;
  secrets: KeySecrets;
  logger: LoggerService;
  /** Namespaces to look for old-layout Secrets in besides those the database knows. */
  namespaces: string[];
  now: Date;
  graceMs?: number;
}): Promise<ReconcileReport> {
  const { keys: services, secrets, logger, now } = options;
  const { db } = services;
  const graceMs = options.graceMs ?? 2 * 60_000;
  const settledBefore = new Date(now.getTime() - graceMs);
  const report: ReconcileReport = {
    completed: [],
    failedRequests: [],
    deletedSecrets: [],
    migrated: [],
    unclaimed: [],
    revokedModelGone: [],
    revokedSecretGone: [],
    failures: [],
  };

  for (const request of await db.requests.listApproved(settledBefore)) {
    try {
      const outcome = await services.requests.finishApproved(request);
      if (outcome.state === 'approved') throw outcome.error;
      if (outcome.state === 'failed') {
        report.failedRequests.push(request.id);
        continue;
      }
      report.completed.push(request.id);
      logger.info(
        `Reconcile finished approved key request ${request.id} (${request.kind})`,
      );
    } catch (error) {
      if (error instanceof ConflictError) continue;
      report.failures.push(
        `request ${request.id}: ${(error as Error).message}`,
      );
    }
  }

  const uids = new Map<string, Promise<string | undefined>>();
  const modelUid = (model: string) => {
    if (!uids.has(model)) {
      const ref = parseObjectRef(model);
      uids.set(model, ref ? secrets.modelUid(ref) : Promise.resolve(undefined));
    }
    return uids.get(model)!;
  };

  /** A live key: revoked when its model is gone or new, else moved to the keys namespace if it is elsewhere. */
  const checkLive = async (secret: KeySecretInfo, key: StoredKey) => {
    const uid = await modelUid(key.model);
    const issuedFor = secret.model?.uid ?? key.modelUid;
    if (!uid || (issuedFor && issuedFor !== uid)) {
      await services.operations.revoke(
        key,
        SCHEDULER,
        uid
          ? `its model ${key.model} was deleted and made again; request a key for the new model`
          : `its model ${key.model} is gone`,
      );
      report.revokedModelGone.push(key.id);
      logger.info(
        `Reconcile revoked key ${key.id}: model ${key.model} ${
          uid ? 'was deleted and made again' : 'is gone'
        }`,
      );
      return;
    }
    if (
      secret.namespace === secrets.namespace &&
      secret.model &&
      secret.install === secrets.installId
    )
      return;
    const value = await secrets.readValue(secret.namespace, secret.name);
    if (!value) throw new Error('it has no key value');
    const ref = parseObjectRef(key.model)!;
    await secrets.put({
      keyId: key.id,
      requestId: secret.requestId ?? key.requestId ?? key.id,
      namespace: secrets.namespace,
      model: { ...ref, uid },
      entityRef: key.entityRef,
      userEntityRef: key.userEntityRef,
      tier: key.tier,
      expiresAt: key.expiresAt,
      value,
    });
    await db.keys.moveSecret(key.id, secrets.namespace);
    if (secret.namespace !== secrets.namespace)
      await secrets.delete(secret.namespace, secret.name);
    report.migrated.push(key.id);
    logger.info(
      secret.namespace === secrets.namespace
        ? `Reconcile gave the Secret of key ${key.id} this install's labels`
        : `Reconcile moved the Secret of key ${key.id} from ${secret.namespace} to ${secrets.namespace}`,
    );
  };

  const namespaces = new Set([
    ...options.namespaces,
    ...(await db.knownNamespaces()),
  ]);
  namespaces.delete(secrets.namespace);
  /** Keys whose Secret the keys namespace holds; undefined when it could not be listed. */
  let inKeysNamespace: Set<string> | undefined;
  // The keys namespace first, then the old places.
  for (const namespace of [secrets.namespace, ...[...namespaces].sort()]) {
    let found;
    try {
      found =
        namespace === secrets.namespace
          ? await secrets.listManaged(namespace)
          : await secrets.listOldLayout(namespace);
    } catch (error) {
      report.failures.push(
        `namespace ${namespace}: ${(error as Error).message}`,
      );
      continue;
    }
    if (namespace === secrets.namespace)
      inKeysNamespace = new Set(found.map(s => s.keyId!).filter(Boolean));
    const keys = new Map(
      (await db.keys.getMany(found.map(s => s.keyId!).filter(Boolean))).map(
        k => [k.id, k],
      ),
    );
    for (const secret of found) {
      const key = secret.keyId ? keys.get(secret.keyId) : undefined;
      // An unlabelled Secret is this install's only if its database holds the key.
      if (secret.install !== secrets.installId && !key) {
        report.unclaimed.push(`${secret.namespace}/${secret.name}`);
        continue;
      }
      const young =
        !secret.createdAt || new Date(secret.createdAt) > settledBefore;
      const overlapOver =
        key?.state === 'rotating' &&
        !!key.overlapUntil &&
        new Date(key.overlapUntil) <= now;
      const dead =
        (!key && !young) ||
        (key && DEAD_STATES.includes(key.state)) ||
        overlapOver;
      try {
        if (!dead) {
          if (key) await checkLive(secret, key);
          continue;
        }
        await secrets.delete(secret.namespace, secret.name);
        report.deletedSecrets.push(`${secret.namespace}/${secret.name}`);
        logger.info(
          `Reconcile deleted Secret ${secret.namespace}/${secret.name}: ${
            key ? `its key is ${key.state}` : 'no key record'
          }`,
        );
      } catch (error) {
        report.failures.push(
          `Secret ${secret.namespace}/${secret.name}: ${
            (error as Error).message
          }`,
        );
      }
    }
  }
  // A live key whose Secret is gone from the keys namespace: someone deleted it by hand. Only
  // there, where a failed list is an error (an old place that may not be read lists nothing, which
  // proves nothing), and not while the call that issues or moves the key may still be writing it.
  if (inKeysNamespace) {
    const live = await db.keys.list({ states: ['active', 'rotating'] });
    for (const key of live) {
      if (
        key.secretNamespace !== secrets.namespace ||
        inKeysNamespace.has(key.id) ||
        report.migrated.includes(key.id) ||
        new Date(key.createdAt) > settledBefore
      )
        continue;
      try {
        await services.operations.revoke(
          key,
          SCHEDULER,
          'its Secret was deleted outside the portal, and the key value lived only there, so the gateway no longer accepts it; request a new key',
        );
        report.revokedSecretGone.push(key.id);
        logger.info(
          `Reconcile revoked key ${key.id}: its Secret ${key.secretNamespace}/${key.secretName} is gone`,
        );
      } catch (error) {
        if (error instanceof ConflictError) continue;
        report.failures.push(`key ${key.id}: ${(error as Error).message}`);
      }
    }
  }
  for (const failure of report.failures)
    logger.warn(`Key reconcile: ${failure}`);
  return report;
}
