import { MaasNotifier } from '../notifications/MaasNotifier';
import { notificationLinks } from '../notifications/notificationLinks';
import { KeyDatabase } from './store/KeyDatabase';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The milestones before a key's expiry at which its owner is told, widest first: a key is told
 * of the narrowest one it is inside (a key made with 20 hours left hears of the last day only).
 */
export const EXPIRY_MILESTONES = [
  { id: '7d', withinMs: 7 * DAY_MS },
  { id: '1d', withinMs: 1 * DAY_MS },
] as const;

function inWords(ms: number): string {
  const hours = Math.round(ms / (60 * 60 * 1000));
  if (hours < 24) return `${Math.max(hours, 1)} hour${hours === 1 ? '' : 's'}`;
  const days = Math.round(ms / DAY_MS);
  return `${days} day${days === 1 ? '' : 's'}`;
}

/**
 * Tells each active key's owner 7 days and 1 day before it expires, once per key and milestone
 * (the notifier's once-guard, so replicas and restarts do not repeat it), with a link to My API
 * keys where they rotate it or ask for another. Returns the once-keys sent now.
 */
export async function notifyExpiringKeys(options: {
  db: KeyDatabase;
  notifier: MaasNotifier;
  now: Date;
}): Promise<string[]> {
  const { db, notifier, now } = options;
  const widest = EXPIRY_MILESTONES[0].withinMs;
  const keys = await db.keys.listExpiringBetween(
    now,
    new Date(now.getTime() + widest),
  );
  const sent: string[] = [];
  for (const key of keys) {
    const left = new Date(key.expiresAt!).getTime() - now.getTime();
    const milestone = [...EXPIRY_MILESTONES]
      .reverse()
      .find(m => left <= m.withinMs)!;
    const once = `expiry|${key.id}|${milestone.id}`;
    const named = key.name ? ` "${key.name}"` : ` ${key.displayPrefix}…`;
    const result = await notifier.notify({
      to: [key.userEntityRef],
      once,
      payload: {
        title: `Your API key${named} for ${key.model} expires in ${inWords(
          left,
        )}`,
        description: `It stops working at ${key.expiresAt}. Rotate it or ask for a new key before then.`,
        link: notificationLinks.myKeys,
        severity: milestone.id === '1d' ? 'high' : 'normal',
        topic: 'maas-keys',
        scope: `maas-key-expiry:${key.id}`,
      },
    });
    if (result === 'sent') sent.push(once);
  }
  return sent;
}
