import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { ApiKeyState } from '@maas-portal/plugin-maas-common';
import { KeySecrets } from './KeySecrets';
import { KeyServices } from './createKeyServices';

/** States whose Secret must be gone. */
const DEAD_STATES: ApiKeyState[] = ['revoked', 'expired', 'rotated'];

export interface ReconcileReport {
  /** Approved requests finished: a key issued (or a Secret left by a crash adopted), or a tier applied. */
  completed: string[];
  /** Secrets deleted because their key is missing, revoked, expired or rotated. */
  deletedSecrets: string[];
  failures: string[];
}

/**
 * Repairs what a crash between a database write and a cluster write leaves behind, so that no
 * approved request stays without its key and no suite-made Secret lives without a live key.
 * Idempotent and safe to run on several replicas at once: every change is conditional, and a
 * Secret or request younger than `graceMs` is left to the call that is still making it.
 */
export async function reconcileKeys(options: {
  keys: KeyServices;
  secrets: KeySecrets;
  logger: LoggerService;
  /** Namespaces to look for Secrets in besides those the database knows. */
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
    deletedSecrets: [],
    failures: [],
  };

  for (const request of await db.requests.listApproved(settledBefore)) {
    try {
      await services.requests.completeApproved(request);
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

  const namespaces = new Set([
    ...options.namespaces,
    ...(await db.knownNamespaces()),
  ]);
  for (const namespace of [...namespaces].sort()) {
    let found;
    try {
      found = await secrets.listManaged(namespace);
    } catch (error) {
      report.failures.push(
        `namespace ${namespace}: ${(error as Error).message}`,
      );
      continue;
    }
    const keys = new Map(
      (await db.keys.getMany(found.map(s => s.keyId!).filter(Boolean))).map(
        k => [k.id, k],
      ),
    );
    for (const secret of found) {
      const key = secret.keyId ? keys.get(secret.keyId) : undefined;
      const young =
        !secret.createdAt || new Date(secret.createdAt) > settledBefore;
      const overlapOver =
        key?.state === 'rotating' &&
        !!key.overlapUntil &&
        new Date(key.overlapUntil) <= now;
      const orphan = !key && !young;
      if (!orphan && !(key && DEAD_STATES.includes(key.state)) && !overlapOver)
        continue;
      try {
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
  for (const failure of report.failures)
    logger.warn(`Key reconcile: ${failure}`);
  return report;
}
