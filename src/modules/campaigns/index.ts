/** The campaigns module's public surface: care campaigns (客户关怀) and follow-up calls (回访). */
export * from './campaigns.contract.ts';
export { listCustomerMessages, reassignCustomer } from './messages.read.ts';
export { listCustomerCallTasks } from './followups.service.ts';
export { campaignsRoutes } from './campaigns.routes.ts';
export { encryptPlainSmsSecrets, scheduleDailyRun } from './settings.service.ts';
export { seedCampaigns } from './campaigns.seed.ts';
