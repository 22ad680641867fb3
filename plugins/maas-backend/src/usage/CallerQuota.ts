import { ModelQuota, TierView } from '@maas-portal/plugin-maas-common';
import { EntityModelRef } from '../entities/ModelRef';
import { ModelReader } from '../entities/ModelReader';
import { QuotaService } from './QuotaService';
import { countedRoute } from './countedRoute';

/**
 * What a signed-in user has left on one model (`GET /models/by-entity/quota`): the tiers of their
 * working keys on it, each with the model's live limits (a tier the cluster no longer limits shows
 * as not configured), counted by {@link QuotaService}.
 */
export class CallerQuota {
  readonly #quota: Pick<QuotaService, 'getQuota'>;
  readonly #workingTiers: (
    userEntityRef: string,
    entityRef: string,
  ) => Promise<string[]>;

  constructor(options: {
    quota: Pick<QuotaService, 'getQuota'>;
    /** The keys slice's answer: the tiers of a user's working keys on a model. */
    workingTiers: (
      userEntityRef: string,
      entityRef: string,
    ) => Promise<string[]>;
  }) {
    this.#quota = options.quota;
    this.#workingTiers = options.workingTiers;
  }

  async of(options: {
    /** The id the gateway knows the caller by. */
    userId: string;
    userEntityRef: string;
    model: EntityModelRef;
    models: ModelReader;
    /**
     * Which tiers are the caller's: those of their working keys (the default), or, for a caller
     * with a token of an OIDC model (no keys: their tier is a claim the gateway read from the
     * token), every tier the model offers; their counters show which one they called in.
     */
    tiersOf?: 'working-keys' | 'offered';
  }): Promise<ModelQuota> {
    const { userId, userEntityRef, model, models } = options;
    const live = models.getTiers(model).tiers;
    const names =
      options.tiersOf === 'offered'
        ? live.map(t => t.name)
        : await this.#workingTiers(userEntityRef, model.entityRef);
    const tiers = names.map(
      (name): TierView =>
        live.find(t => t.name === name) ?? {
          name,
          configured: false,
          requests: [],
          tokens: [],
        },
    );
    const { limitadorNamespace, limits } = countedRoute(models, model);
    return this.#quota.getQuota({ userId, tiers, limitadorNamespace, limits });
  }
}
