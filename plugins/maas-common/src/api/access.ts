/**
 * Whether one of the suite's pages has anything for the caller, and why (or why not).
 *
 * @public
 */
export interface PageAccess {
  serves: boolean;
  /** One sentence for a person: what the page holds for them, or why nothing. */
  reason: string;
}

/**
 * `GET /api/maas/access`: which of the pages not everyone uses serve the signed-in user, so that
 * the app offers them only to those (each page still checks every call itself).
 *
 * @public
 */
export interface MaasAccess {
  /**
   * Key requests the caller may decide: admins (`maas.adminGroups`), and the owners an
   * InferenceService records who hold `maas.key.approve` on its entity.
   */
  approvals: PageAccess;
  /** Costs of some group: `maas.costs.read`, or a team lead a Group's annotation names. */
  costs: PageAccess;
}
