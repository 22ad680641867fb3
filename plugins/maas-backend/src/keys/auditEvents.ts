import { KeyRequestState } from '@maas-portal/plugin-maas-common';
import { NewAuditEvent } from './store/AuditStore';
import { StoredKey } from './store/KeyStore';
import { StoredKeyRequest } from './store/KeyRequestStore';

/** Who acts: a user entity ref, or the suite itself (`maas:auto-approval`, `maas:scheduler`, ...). */
export type Actor = string;

export const AUTO_APPROVER: Actor = 'maas:auto-approval';
/** Who the request is for and what it asks, for the audit's sentences; absent fields are left out. */
function requestFacts(request: DescribedRequest): Record<string, string> {
  return {
    ...(request.userEntityRef ? { owner: request.userEntityRef } : {}),
    ...(request.tier ? { tier: request.tier } : {}),
    ...(request.name ? { name: request.name } : {}),
    ...(request.kind ? { kind: request.kind } : {}),
  };
}

/** Whose key and which, for the audit's sentences. */
function keyFacts(key: StoredKey): Record<string, string> {
  return {
    owner: key.userEntityRef,
    tier: key.tier,
    ...(key.name ? { name: key.name } : {}),
  };
}

/** The suite finishing an approved request. */
export const ISSUER: Actor = 'maas:issuer';
/** The scheduled task that expires keys and ends rotations. */
export const SCHEDULER: Actor = 'maas:scheduler';

type RequestLike = Pick<StoredKeyRequest, 'id' | 'entityRef'>;
/** What an audit sentence says of a request: whose, which tier, which name. */
type DescribedRequest = RequestLike &
  Partial<Pick<StoredKeyRequest, 'userEntityRef' | 'tier' | 'name' | 'kind'>>;
type KeyLike = Pick<StoredKey, 'id' | 'entityRef'>;

const onRequest = (request: RequestLike) => ({
  subject: { type: 'key-request' as const, id: request.id },
  entityRef: request.entityRef,
});

const onKey = (key: KeyLike) => ({
  subject: { type: 'key' as const, id: key.id },
  entityRef: key.entityRef,
});

/**
 * Every audit event of the key flow, built here and nowhere else: the database trail and the
 * auditor service both receive these.
 */
export const auditEvents = {
  requestCreated(
    actor: Actor,
    request: StoredKeyRequest,
    details: Record<string, string>,
  ): NewAuditEvent {
    return {
      actor,
      action: 'request.created',
      ...onRequest(request),
      toState: 'pending',
      details: { ...requestFacts(request), ...details },
    };
  },

  requestDecided(
    actor: Actor,
    request: DescribedRequest,
    to: KeyRequestState,
    comment?: string,
  ): NewAuditEvent {
    return {
      actor,
      action: `request.${to}`,
      ...onRequest(request),
      fromState: 'pending',
      toState: to,
      details: { ...requestFacts(request), ...(comment ? { comment } : {}) },
    };
  },

  /** approved → failed: the key cannot be issued, and why. */
  requestFailed(request: DescribedRequest, reason: string): NewAuditEvent {
    return {
      actor: ISSUER,
      action: 'request.failed',
      ...onRequest(request),
      fromState: 'approved',
      toState: 'failed',
      details: { ...requestFacts(request), reason },
    };
  },

  requestIssued(request: RequestLike, keyId: string): NewAuditEvent {
    return {
      actor: ISSUER,
      action: 'request.issued',
      ...onRequest(request),
      fromState: 'approved',
      toState: 'issued',
      details: { keyId },
    };
  },

  keyIssued(actor: Actor, key: StoredKey): NewAuditEvent {
    return {
      actor,
      action: 'key.issued',
      ...onKey(key),
      toState: 'active',
      details: {
        tier: key.tier,
        owner: key.userEntityRef,
        ...(key.name ? { name: key.name } : {}),
        ...(key.rotatedFrom ? { rotatedFrom: key.rotatedFrom } : {}),
        secret: `${key.secretNamespace}/${key.secretName}`,
      },
    };
  },

  keyRenamed(
    actor: Actor,
    key: StoredKey,
    name: string | undefined,
  ): NewAuditEvent {
    return {
      actor,
      action: 'key.renamed',
      ...onKey(key),
      details: {
        owner: key.userEntityRef,
        tier: key.tier,
        ...(key.name ? { fromName: key.name } : {}),
        ...(name ? { name } : {}),
      },
    };
  },

  keyRevealed(actor: Actor, key: KeyLike): NewAuditEvent {
    return { actor, action: 'key.revealed', ...onKey(key) };
  },

  keyRevoked(actor: Actor, key: StoredKey, reason?: string): NewAuditEvent {
    return {
      actor,
      action: 'key.revoked',
      ...onKey(key),
      fromState: key.state,
      toState: 'revoked',
      details: { ...keyFacts(key), ...(reason ? { reason } : {}) },
    };
  },

  keyRotating(
    actor: Actor,
    key: KeyLike,
    replacedBy: string,
    overlapUntil: Date,
  ): NewAuditEvent {
    return {
      actor,
      action: 'key.rotating',
      ...onKey(key),
      fromState: 'active',
      toState: 'rotating',
      details: { replacedBy, overlapUntil: overlapUntil.toISOString() },
    };
  },

  keyTierChanged(key: StoredKey, tier: string): NewAuditEvent {
    return {
      actor: ISSUER,
      action: 'key.tier-changed',
      ...onKey(key),
      details: { ...keyFacts(key), fromTier: key.tier, tier },
    };
  },

  keyExpired(key: StoredKey): NewAuditEvent {
    return {
      actor: SCHEDULER,
      action: 'key.expired',
      ...onKey(key),
      fromState: key.state,
      toState: 'expired',
      details: keyFacts(key),
    };
  },

  keyRotated(key: StoredKey): NewAuditEvent {
    return {
      actor: SCHEDULER,
      action: 'key.rotated',
      ...onKey(key),
      fromState: 'rotating',
      toState: 'rotated',
      details: { ...keyFacts(key), replacedBy: key.replacedBy ?? null },
    };
  },
};
