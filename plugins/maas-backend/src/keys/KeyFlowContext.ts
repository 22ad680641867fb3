import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { ApiKey } from '@maas-portal/plugin-maas-common';
import { noClusterMessage } from '@maas-portal/plugin-maas-node';
import { MaasConfig } from '../config/MaasConfig';
import { EntityBindings } from '../entities/EntityBindings';
import { EntityModelRef } from '../entities/ModelRef';
import { MaasNotifier } from '../notifications/MaasNotifier';
import { KeySecrets } from './KeySecrets';
import { NewAuditEvent } from './store/AuditStore';
import { KeyDatabase } from './store/KeyDatabase';

export interface KeyFlowOptions {
  db: KeyDatabase;
  secrets?: KeySecrets;
  config: MaasConfig;
  logger: LoggerService;
  auditor?: AuditorService;
  /** Tells requesters and approvers; absent: nobody is told. */
  notifier?: MaasNotifier;
  now?: () => Date;
  /**
   * Which entity each model is, as the cluster says: a key is asked for a bound model only
   * (`KeyRequestService.askForKey`, `askForTierChange`). Absent where no request is asked
   * through them (the key flow's own tests, the replicas).
   */
  bindings?: EntityBindings;
  /**
   * The tiers a model's policies select (`tiers/offeredTiers.ts`, wired in plugin.ts); undefined
   * when they name none, or without a cluster.
   */
  offeredTiers?: (model: EntityModelRef) => string[] | undefined;
  /**
   * Fills in when keys were last used, where the metrics allow (the usage slice's answer,
   * `usage/withLastUse.ts`, wired in plugin.ts); keys are listed without it when absent.
   */
  lastUse?: (keys: ApiKey[]) => Promise<ApiKey[]>;
}

/**
 * What the key services share: the database, the cluster, the clock, and the one way a change is
 * written: with its audit events in one transaction, then told to the auditor service.
 */
export class KeyFlowContext {
  readonly db: KeyDatabase;
  readonly config: MaasConfig;
  readonly logger: LoggerService;
  readonly notifier?: MaasNotifier;
  readonly now: () => Date;
  readonly lastUse?: (keys: ApiKey[]) => Promise<ApiKey[]>;
  readonly #secrets?: KeySecrets;
  readonly #auditor?: AuditorService;

  constructor(options: KeyFlowOptions) {
    this.db = options.db;
    this.#secrets = options.secrets;
    this.config = options.config;
    this.logger = options.logger;
    this.#auditor = options.auditor;
    this.notifier = options.notifier;
    this.now = options.now ?? (() => new Date());
    this.lastUse = options.lastUse;
  }

  /** The cluster's key Secrets, or 503 when no cluster is connected. */
  secrets(): KeySecrets {
    if (!this.#secrets) {
      throw new ServiceUnavailableError(
        noClusterMessage('keys cannot be issued or changed'),
      );
    }
    return this.#secrets;
  }

  /** Runs `change` and its audit rows in one transaction, then tells the auditor service. */
  async record<T>(
    events: NewAuditEvent[] | ((result: T) => NewAuditEvent[]),
    change: (db: KeyDatabase) => Promise<T>,
  ): Promise<T> {
    let recorded: NewAuditEvent[] = [];
    const result = await this.db.transaction(async db => {
      const value = await change(db);
      recorded = typeof events === 'function' ? events(value) : events;
      for (const event of recorded)
        await db.audit.add({ ...event, at: event.at ?? this.now() });
      return value;
    });
    for (const event of recorded) await this.#tellAuditor(event);
    return result;
  }

  async #tellAuditor(event: NewAuditEvent): Promise<void> {
    if (!this.#auditor) return;
    try {
      const auditorEvent = await this.#auditor.createEvent({
        eventId: `key-${event.action.replace(/\./g, '-')}`,
        severityLevel: 'medium',
        meta: {
          actor: event.actor,
          subject: event.subject,
          entityRef: event.entityRef,
          ...(event.fromState ? { fromState: event.fromState } : {}),
          ...(event.toState ? { toState: event.toState } : {}),
          ...(event.details ? { details: event.details as any } : {}),
        },
      });
      await auditorEvent.success();
    } catch (error) {
      this.logger.warn(
        `Could not write an auditor event for ${event.action}: ${
          (error as Error).message
        }`,
      );
    }
  }
}
