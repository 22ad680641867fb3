/**
 * Where a key request stands.
 *
 * @public
 */
export type KeyRequestState =
  | 'pending'
  | 'approved'
  | 'issued'
  | 'rejected'
  | 'cancelled'
  /** Approved, but the key could not be issued and never will be (e.g. the model is gone). */
  | 'failed';

/**
 * A new key, or a tier change of an existing key.
 *
 * @public
 */
export type KeyRequestKind = 'new-key' | 'tier-change';

/** @public */
export interface KeyRequest {
  id: string;
  kind: KeyRequestKind;
  entityRef: string;
  /** `<namespace>/<name>` of the model's InferenceService. */
  model: string;
  userEntityRef: string;
  tier: string;
  reason: string;
  state: KeyRequestState;
  /** For a tier change: the key it changes. For an issued new key: the key it made. */
  keyId?: string;
  createdAt: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionComment?: string;
  /** The name the requester gave the key, e.g. `ci-pipeline`. */
  name?: string;
  /**
   * For a new-key request: the days its key will live once issued, as the approver approves it
   * (what was asked, or `maas.keys.defaultTtlDays` when the request was made).
   */
  expiresInDays?: number;
  /** For a failed request: why the key was not issued, in words. */
  failureReason?: string;
  failedAt?: string;
  /** In lists: whether the caller may approve or reject it (maas.key.approve on its model). */
  canDecide?: boolean;
}

/** @public */
export type ApiKeyState =
  | 'active'
  | 'rotating'
  | 'revoked'
  | 'expired'
  | 'rotated';

/**
 * An API key as the portal shows it: never its value, except once at issue.
 *
 * @public
 */
export interface ApiKey {
  id: string;
  /** The owner's name for the key, e.g. `ci-pipeline`; unique among their working keys for the model. */
  name?: string;
  entityRef: string;
  model: string;
  userEntityRef: string;
  tier: string;
  /** The first characters of the key, to tell keys apart, e.g. `maas_k3Fz…`. */
  displayPrefix: string;
  state: ApiKeyState;
  createdAt: string;
  expiresAt?: string;
  /** While rotating: the old key still works until then. */
  overlapUntil?: string;
  revokedAt?: string;
  revokedBy?: string;
  /**
   * Why the portal itself revoked the key (`revokedBy` is then `maas:scheduler`): its model is
   * gone or was made again, or its Secret was deleted outside the portal. Absent when a person
   * revoked it.
   */
  revokedReason?: string;
  /** The key that replaced this one, after a rotation. */
  replacedBy?: string;
  /** Whether the owner has seen the value; a key is shown once. */
  revealed: boolean;
  /** Last use seen in the metrics (the user's last call on the model), when they allow it. */
  lastUsedAt?: string;
  /**
   * Whether the metrics were asked: `seen` (lastUsedAt is set), `not-seen` (no call by the key's
   * user on the model in the 7 days looked at), `unknown` (the metrics cannot tell; see
   * lastUseNote). Absent when the portal has no Prometheus.
   */
  lastUse?: 'seen' | 'not-seen' | 'unknown';
  /** Why the last use reads as it does, in words, e.g. that the gateway counts per user, not per key. */
  lastUseNote?: string;
}

/**
 * The value of a key, returned exactly once.
 *
 * @public
 */
export interface IssuedKey {
  key: ApiKey;
  value: string;
}

/** @public */
export interface CreateKeyRequest {
  entityRef: string;
  tier: string;
  reason: string;
  /** Days until the key expires; the config caps it. */
  expiresInDays?: number;
  /** A name for the key (see {@link KEY_NAME_RULE}). */
  name?: string;
}

/**
 * `POST /keys/{id}/name`: a new name for one's key; empty clears it.
 *
 * @public
 */
export interface RenameKey {
  name: string;
}

/**
 * What a key name may be: what the form checks as typed and the backend enforces.
 *
 * @public
 */
export const KEY_NAME_RULE = {
  maxLength: 63,
  pattern: /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
  explanation:
    'letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit, at most 63 characters',
} as const;

/**
 * Why a key name is not allowed, or undefined when it is (after trimming).
 *
 * @public
 */
export function keyNameProblem(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return undefined;
  if (
    trimmed.length > KEY_NAME_RULE.maxLength ||
    !KEY_NAME_RULE.pattern.test(trimmed)
  )
    return `The key name "${trimmed}" is not allowed: use ${KEY_NAME_RULE.explanation}`;
  return undefined;
}

/**
 * `POST /keys/requests`: the request, and the key when its tier is approved automatically.
 *
 * @public
 */
export interface CreateKeyRequestResponse {
  request: KeyRequest;
  issued?: IssuedKey;
}

/** @public */
export interface DecideKeyRequests {
  ids: string[];
  decision: 'approve' | 'reject';
  comment?: string;
}

/**
 * One result per request of a bulk decision: some may fail while others succeed.
 *
 * @public
 */
export interface DecisionResult {
  id: string;
  ok: boolean;
  request?: KeyRequest;
  error?: string;
  /** The approval stands but the key is not out yet (e.g. the cluster is unreachable); it is retried. */
  warning?: string;
}

/** @public */
export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: { type: 'key-request' | 'key'; id: string };
  entityRef: string;
  fromState?: string;
  toState?: string;
  details?: Record<string, unknown>;
}
