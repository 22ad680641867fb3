import { AuditLog } from './AuditLog';
import { KeyFlowContext, KeyFlowOptions } from './KeyFlowContext';
import { KeyIssuer } from './KeyIssuer';
import { KeyOperations } from './KeyOperations';
import { KeyRequestService } from './KeyRequestService';
import { KeyDatabase } from './store/KeyDatabase';

/** The key flow's services, by role, over one database and one cluster. */
export interface KeyServices {
  db: KeyDatabase;
  requests: KeyRequestService;
  operations: KeyOperations;
  /** The audit events, as `GET /audit` pages them. */
  audit: AuditLog;
}

export function createKeyServices(options: KeyFlowOptions): KeyServices {
  const ctx = new KeyFlowContext(options);
  const issuer = new KeyIssuer(ctx);
  const operations = new KeyOperations(ctx, issuer);
  return {
    db: options.db,
    requests: new KeyRequestService(ctx, issuer, operations, {
      bindings: options.bindings,
      offeredTiers: options.offeredTiers,
    }),
    operations,
    audit: new AuditLog(options.db),
  };
}
