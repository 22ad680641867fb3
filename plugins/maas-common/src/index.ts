/**
 * Common types, permissions, annotation keys and entity guards of the MaaS plugin suite.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './entity';
export * from './permissions';
export * from './tiers';
export * from './modelName';
export * from './api/status';
export * from './api/models';
export * from './api/usage';
export * from './api/quota';
export * from './api/playground';
export * from './api/keys';
export * from './api/catalog';
export * from './api/binding';
export * from './api/costs';
export * from './api/budgets';
export * from './api/access';
export * from './issuerUrl';
export * from './snippets';
export * from './money';
export * from './zonedCalendar';
