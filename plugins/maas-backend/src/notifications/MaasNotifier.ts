import { LoggerService } from '@backstage/backend-plugin-api';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';

/** The guard table (migration `20261207100000_notifications_sent.js`). */
const SENT_TABLE = 'maas_notifications_sent';

type NotificationSeverity = NotificationSendOptions['payload']['severity'];

/** One notification of the portal; every one says where to act. */
export interface MaasNotification {
  title: string;
  description?: string;
  /** A path the app serves (see `notificationLinks.ts`): the page where the recipient acts. */
  link: string;
  severity?: NotificationSeverity;
  /** `maas-*`, so people can mute the portal's notifications by topic. */
  topic: `maas-${string}`;
  /** Notifications of one scope replace each other in the recipient's list. */
  scope?: string;
}

export interface NotifyOptions {
  /** Entity refs of users or groups (a group reaches its members). Empty: nothing is sent. */
  to: string[];
  /** Users who must not get it even as a member of `to` (the person who acted). */
  except?: string[];
  payload: MaasNotification;
  /**
   * Sent at most once per this key, across restarts and replicas (a row in the plugin's
   * database, written before sending and removed again if sending fails, so a later pass retries).
   */
  once?: string;
  /**
   * With `once`: a send of the key before this time does not count (a new limit window began), so
   * it is sent again, once more.
   */
  onceSince?: Date;
}

/** What became of one notification. */
export type NotifyResult =
  | 'sent'
  | 'already-sent'
  | 'no-recipients'
  | 'off'
  | 'failed';

/**
 * The one way the portal notifies people, through `@backstage/plugin-notifications-backend` when
 * the backend has it. It never throws: a notification that cannot go out is logged, and whatever
 * caused it (a decision, a scheduled pass) goes on.
 */
export class MaasNotifier {
  readonly #notifications?: NotificationService;
  readonly #logger: LoggerService;
  readonly #db?: Knex;
  readonly #now: () => Date;

  constructor(options: {
    /** Absent: nothing is sent, only logged at debug level. */
    notifications?: NotificationService;
    logger: LoggerService;
    /** The plugin's database, migrated (KeyDatabase runs the package's migrations); needed for `once`. */
    db?: Knex;
    now?: () => Date;
  }) {
    this.#notifications = options.notifications;
    this.#logger = options.logger;
    this.#db = options.db;
    this.#now = options.now ?? (() => new Date());
  }

  async notify(options: NotifyOptions): Promise<NotifyResult> {
    const { to, except = [], payload, once, onceSince } = options;
    const recipients = [...new Set(to)].filter(ref => !except.includes(ref));
    if (!this.#notifications) return 'off';
    if (recipients.length === 0) return 'no-recipients';
    try {
      if (once !== undefined && !(await this.#claim(once, onceSince)))
        return 'already-sent';
    } catch (error) {
      this.#logger.warn(
        `Notification "${
          payload.title
        }" not sent: its once-guard (${SENT_TABLE}) could not be read: ${
          (error as Error).message
        }`,
      );
      return 'failed';
    }
    try {
      await this.#notifications.send({
        recipients: {
          type: 'entity',
          entityRef: recipients,
          ...(except.length ? { excludeEntityRef: except } : {}),
        },
        payload,
      });
      return 'sent';
    } catch (error) {
      this.#logger.warn(
        `Could not notify ${recipients.join(', ')} ("${payload.title}"): ${
          (error as Error).message
        }`,
      );
      if (once !== undefined) await this.#release(once);
      return 'failed';
    }
  }

  /** Forgets once-keys older than `olderThanMs`, so the guard table stays small. */
  async prune(olderThanMs: number): Promise<number> {
    if (!this.#db) return 0;
    try {
      return await this.#db(SENT_TABLE)
        .where('sent_at', '<', new Date(this.#now().getTime() - olderThanMs))
        .delete();
    } catch (error) {
      this.#logger.warn(
        `Could not prune ${SENT_TABLE}: ${(error as Error).message}`,
      );
      return 0;
    }
  }

  /** True when this call wrote the once-key (so it sends); false when it was there already. */
  async #claim(once: string, since?: Date): Promise<boolean> {
    const db = this.#db;
    if (!db)
      throw new Error(
        'MaasNotifier was built without the database, so "once" cannot hold',
      );
    const now = this.#now();
    if (since) {
      // A send before `since` was for an earlier window: take the row over, once (a conditional update).
      const taken = await db(SENT_TABLE)
        .where({ once_key: once })
        .where('sent_at', '<', since)
        .update({ sent_at: now });
      if (taken === 1) return true;
    }
    try {
      await db(SENT_TABLE).insert({ once_key: once, sent_at: now });
      return true;
    } catch (error) {
      // Another pass or replica wrote it first (the primary key refused ours).
      const row = await db(SENT_TABLE).where({ once_key: once }).first();
      if (row) return false;
      throw error;
    }
  }

  async #release(once: string): Promise<void> {
    try {
      await this.#db?.(SENT_TABLE).where({ once_key: once }).delete();
    } catch (error) {
      this.#logger.warn(
        `Could not release once-key after a failed notification (it will not be retried): ${
          (error as Error).message
        }`,
      );
    }
  }
}
