import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ObjectRef, stringifyObjectRef } from '@maas-portal/plugin-maas-common';
import { gatewayUserId } from '../gateway/gatewayUserId';
import {
  LimitadorClient,
  LimitadorCounter,
} from '../limitador/LimitadorClient';
import { isCounterOf, isLimitOf } from '../limitador/matchCounters';
import { MaasNotifier } from '../notifications/MaasNotifier';
import { notificationLinks } from '../notifications/notificationLinks';
import { ModelReaders } from '../permissions/modelReaders';
import { ModelReader } from '../entities/ModelReader';

/** The shares of a limit window at which a user is told, once per window each. */
export const LIMIT_MILESTONES = [0.8, 1] as const;

/** A user holding a working key for a model (the keys slice's answer, wired in plugin.ts). */
export interface KeyHolder {
  userEntityRef: string;
  entityRef: string;
  inferenceService: ObjectRef;
}

/** A limit of a model's tier, by the name its Kuadrant policy gives it. */
interface NamedLimit {
  kind: 'requests' | 'tokens';
  tier: string;
  limitName: string;
}

/** The route (Limitador's namespace) of a holder's model and the request and token limits of its tiers. */
function limitsOf(reader: ModelReader, holder: KeyHolder) {
  const limitadorNamespace = reader.limitadorNamespaceOf(
    holder.inferenceService,
  );
  const limits: NamedLimit[] = reader.getTiers(holder).tiers.flatMap(tier =>
    (['requests', 'tokens'] as const).flatMap(kind =>
      tier[kind].map(l => ({
        kind,
        tier: tier.name,
        limitName: l.source.limitName,
      })),
    ),
  );
  return { limitadorNamespace, limits };
}

/** What one pass found and did, for the logs and the tests. */
export interface LimitNoticeReport {
  /** Once-keys of the notifications sent in this pass. */
  sent: string[];
  /** Users at a milestone who were not told because they may not see the model. */
  notReaders: string[];
  failures: string[];
}

/**
 * Where a Limitador counter's window began: it counts `seconds` from the first hit, and has
 * `expires_in_seconds` left of them.
 */
export function windowStart(counter: LimitadorCounter, now: Date): Date {
  const elapsed = counter.limit.seconds - (counter.expires_in_seconds ?? 0);
  return new Date(now.getTime() - elapsed * 1000);
}

function windowInWords(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * Tells each user who holds a key for a model when Limitador's counter of one of the model's request
 * or token limits reaches 80 % and 100 % of its window, once per window and milestone (the
 * notifier's once-guard, renewed when a new window begins), with a link to the model's Usage tab.
 * Users who may not see the model (`ModelReaders`) are not told.
 */
export class LimitWindowNotices {
  readonly #limitador: LimitadorClient;
  readonly #notifier: MaasNotifier;
  readonly #readers: ModelReaders;
  readonly #keyHolders: () => Promise<KeyHolder[]>;
  readonly #reader: ModelReader;
  readonly #logger: LoggerService;
  readonly #now: () => Date;

  constructor(options: {
    limitador: LimitadorClient;
    notifier: MaasNotifier;
    readers: ModelReaders;
    keyHolders: () => Promise<KeyHolder[]>;
    /** The models slice's answer: each model's route and the limits of its tiers. */
    reader: ModelReader;
    logger: LoggerService;
    now?: () => Date;
  }) {
    this.#limitador = options.limitador;
    this.#notifier = options.notifier;
    this.#readers = options.readers;
    this.#keyHolders = options.keyHolders;
    this.#reader = options.reader;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  async run(): Promise<LimitNoticeReport> {
    const report: LimitNoticeReport = {
      sent: [],
      notReaders: [],
      failures: [],
    };
    const byModel = new Map<string, KeyHolder[]>();
    for (const holder of await this.#keyHolders()) {
      const model = `${holder.entityRef}|${stringifyObjectRef(
        holder.inferenceService,
      )}`;
      byModel.set(model, [...(byModel.get(model) ?? []), holder]);
    }
    for (const holders of byModel.values()) {
      try {
        await this.#model(holders, report);
      } catch (error) {
        const what = stringifyObjectRef(holders[0].inferenceService);
        report.failures.push(`${what}: ${(error as Error).message}`);
      }
    }
    if (report.failures.length) {
      this.#logger.warn(
        `Limit window notices: ${
          report.failures.length
        } model(s) not checked: ${report.failures.join('; ')}`,
      );
    }
    return report;
  }

  async #model(holders: KeyHolder[], report: LimitNoticeReport) {
    const route = limitsOf(this.#reader, holders[0]);
    if (!route.limitadorNamespace || route.limits.length === 0) return;
    const counters = await this.#limitador.counters(route.limitadorNamespace);
    const now = this.#now();
    const users = [...new Set(holders.map(h => h.userEntityRef))];
    const { entityRef } = holders[0];
    const model = stringifyObjectRef(holders[0].inferenceService);
    let readers: Map<string, boolean> | undefined;
    for (const user of users) {
      const id = gatewayUserId(user);
      for (const counter of counters.filter(c => isCounterOf(c, id))) {
        const limit = route.limits.find(l =>
          isLimitOf(counter.limit, l.limitName),
        );
        if (!limit || counter.remaining === undefined) continue;
        const max = counter.limit.max_value;
        const used = max - counter.remaining;
        const reached = [...LIMIT_MILESTONES]
          .reverse()
          .find(m => used >= Math.ceil(m * max));
        if (reached === undefined || max <= 0) continue;
        readers ??= await this.#readers.mayRead(users, entityRef);
        if (!readers.get(user)) {
          report.notReaders.push(user);
          continue;
        }
        const start = windowStart(counter, now);
        const window = windowInWords(counter.limit.seconds);
        const percent = Math.round(reached * 100);
        const once = `limit|${user}|${model}|${limit.limitName}|${counter.limit.seconds}s|${percent}`;
        const result = await this.#notifier.notify({
          to: [user],
          once,
          // Renewed each window; a second of slack for the counter's rounded expiry.
          onceSince: new Date(start.getTime() - 1000),
          payload: {
            title:
              reached >= 1
                ? `You reached your ${limit.kind} limit on ${model}`
                : `You used ${percent} % of your ${limit.kind} limit on ${model}`,
            description: `${used} of ${max} ${limit.kind} per ${window} (${
              limit.tier
            } tier); the window resets in ${
              counter.expires_in_seconds ?? '?'
            } s.${reached >= 1 ? ' Calls are refused until then.' : ''}`,
            link: notificationLinks.modelUsage(parseEntityRef(entityRef)),
            severity: reached >= 1 ? 'high' : 'normal',
            topic: 'maas-limits',
            // Per milestone: the 100 % notice does not replace the 80 % one; the next window's replace these.
            scope: `maas-limit:${model}:${limit.limitName}:${counter.limit.seconds}:${percent}`,
          },
        });
        if (result === 'sent') report.sent.push(once);
      }
    }
  }
}
