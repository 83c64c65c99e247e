/** The customers module's public surface for other modules. */
export { resolveCustomer, getCustomers, identitiesOf, contactProblems, type ContactDetails } from './customers.service.ts';
export { normalisePhone, normaliseEmail } from './phone.ts';
export { customers, customerIdentities } from './customers.schema.ts';
export { CustomerTier } from './customers.contract.ts';
export type { Customer } from './customers.contract.ts';
