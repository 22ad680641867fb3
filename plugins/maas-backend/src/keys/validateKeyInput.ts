import { ConflictError, InputError } from '@backstage/errors';
import { ApiKeyState, keyNameProblem } from '@maas-portal/plugin-maas-common';
import { MaasConfig } from '../config/MaasConfig';
import { KeyDatabase } from './store/KeyDatabase';
import { StoredKey } from './store/KeyStore';

/** The configured tier of that name, or an InputError listing the portal's tiers. */
export function findTier(config: MaasConfig, name: string) {
  const tier = config.tiers.find(t => t.name === name);
  if (!tier) {
    throw new InputError(
      `Unknown tier "${name}"; this portal's tiers are ${config.tiers
        .map(t => t.name)
        .join(', ')}`,
    );
  }
  return tier;
}

/**
 * A tier the model offers (`offered`: the tiers its policies select, undefined when they name none),
 * or an InputError naming the model's tiers.
 */
export function checkTierOffered(
  tier: string,
  model: string,
  offered: string[] | undefined,
): void {
  if (!offered || offered.includes(tier)) return;
  throw new InputError(
    `The model ${model} does not offer tier "${tier}": its policies limit only ${offered.join(
      ', ',
    )}. Ask for one of those`,
  );
}

/**
 * The cap `maas.keys.maxActivePerUserAndModel` on a user's working keys (active, or rotating until
 * their overlap ends) and open new-key requests for a model. A rotation (`rotating` set) may replace
 * a key at the cap, since the key it replaces stops after the overlap; but that key counts until
 * then, so neither a second rotation nor a new request gets past the cap during the overlap. Run
 * inside the transaction that inserts, after `lockUserModel`.
 */
export async function checkKeyCap(
  db: KeyDatabase,
  config: MaasConfig,
  userEntityRef: string,
  model: string,
  rotating?: StoredKey,
): Promise<void> {
  const max = config.keys.maxActivePerUserAndModel;
  const open = await db.countOpen(userEntityRef, model);
  // The key being rotated is still active here and becomes the rotating one: its new key takes its place.
  const others = rotating ? open - 1 : open;
  if (others < max) return;
  const counted = `You already have ${open} working keys (active or rotating) or open requests for ${model}; the limit is ${max} (maas.keys.maxActivePerUserAndModel).`;
  throw new ConflictError(
    rotating
      ? `${counted} A rotated key counts until its overlap ends, so key ${rotating.id} cannot be rotated now: wait until the overlap ends, or revoke a key first.`
      : `${counted} Revoke a key or cancel a request first.`,
  );
}

/** The reason, trimmed: required, and at most `maas.keys.reasonMaxLength` characters. */
export function checkReason(config: MaasConfig, reason: string): string {
  const trimmed = reason.trim();
  if (!trimmed)
    throw new InputError(
      'A reason is required: say briefly what the key is for',
    );
  const max = config.keys.reasonMaxLength;
  if (trimmed.length > max) {
    throw new InputError(
      `The reason is ${trimmed.length} characters long; at most ${max} are allowed`,
    );
  }
  return trimmed;
}

/** A requested lifetime is whole days within `maas.keys.maxTtlDays`. */
export function checkExpiresInDays(
  config: MaasConfig,
  expiresInDays: number | undefined,
): void {
  if (expiresInDays === undefined) return;
  const { maxTtlDays } = config.keys;
  if (
    !Number.isInteger(expiresInDays) ||
    expiresInDays < 1 ||
    expiresInDays > maxTtlDays
  ) {
    throw new InputError(
      `expiresInDays must be a whole number from 1 to ${maxTtlDays}; got ${expiresInDays}`,
    );
  }
}

/** Throws a ConflictError unless the key is in one of `states`; `verb` says what was asked. */
export function checkKeyState(
  key: StoredKey,
  verb: string,
  states: ApiKeyState[] = ['active', 'rotating'],
): void {
  if (!states.includes(key.state)) {
    throw new ConflictError(
      `Key ${key.id} is ${key.state}; only ${states.join(
        ' or ',
      )} keys can be ${verb}`,
    );
  }
}

/** A key name, trimmed, or undefined when none was given; an InputError saying what is allowed. */
export function checkKeyName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const problem = keyNameProblem(name);
  if (problem) throw new InputError(problem);
  return name.trim() || undefined;
}

/**
 * Throws a ConflictError when the user already has a working key or an open request of that
 * name for the model (names compare without case); `except` are the ids that may keep it (the
 * key itself, the key it rotates with). Run inside the transaction that holds the user's lock.
 */
export async function checkNameFree(
  db: KeyDatabase,
  owner: { userEntityRef: string; model: string },
  name: string | undefined,
  except: Array<string | undefined> = [],
): Promise<void> {
  if (!name) return;
  const { userEntityRef, model } = owner;
  const taken = [
    ...(await db.keys.workingNames(userEntityRef, model)),
    ...(await db.requests.openNames(userEntityRef, model)),
  ].find(
    other =>
      !except.includes(other.id) &&
      other.name.toLowerCase() === name.toLowerCase(),
  );
  if (taken) {
    throw new ConflictError(
      `You already have a key or key request named "${taken.name}" for ${model}; choose another name`,
    );
  }
}
