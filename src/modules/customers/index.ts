/** The customers module's public surface for other modules. */
export { resolveCustomer, getCustomers, identitiesOf, contactProblems, type ContactDetails } from './customers.service.ts';
export { getCustomer, survivorOf, type Identity } from './customers.service.ts';
export { findDuplicates, customerMerged, deleteCustomerRecords } from './customers.write.ts';
export { addressesOf, consentsOf, notesOf } from './customers.details.ts';
export { mergeCustomerRecords, type MergeCounts } from './customers.merge.ts';
export { seedDemoCustomers } from './customers.seed.ts';
export { normalisePhone, normaliseEmail, normaliseExternalId } from './phone.ts';
export { customers, customerIdentities } from './customers.schema.ts';
export { customerAddresses } from './customers.schema.ts';
export { CustomerTier } from './customers.contract.ts';
export type { Customer, Address, Consent, Note } from './customers.contract.ts';
export { recomputeTiers, previewTiers, tierOf, serviceStandardFor, tierHistoryOf, tierCodes, createDefaultTiers } from './tiers.service.ts';
export { TierCode, type ServiceStandard } from './tiers.contract.ts';
export { countSegment, segmentCustomerIds, segmentWhere } from './segments.service.ts';
export { SegmentFilter, type SegmentFilterInput } from './segments.contract.ts';
export { seedTiersAndSegments } from './tiers.seed.ts';
