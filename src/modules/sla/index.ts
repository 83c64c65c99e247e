/** The SLA module's public surface: policy selection and the pure clock. */
export { selectPolicy, activePolicies, firstMatching, getPolicy, policyNames, createDefaultPolicies, type SlaSubject } from './sla.service.ts';
export { slaPolicies } from './sla.schema.ts';
export * as slaClock from './clock.ts';
export type { Clock, Targets } from './clock.ts';
export type { SlaPolicy, SlaTarget } from './sla.contract.ts';
export { breachedTargetsJson, type ClockColumns } from './clock.sql.ts';
