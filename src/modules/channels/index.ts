/** The channels module's public surface (e-mail for now): ingestion, the SMTP listener, settings, attachments. */
export * from './channels.contract.ts';
export { ingestEmail, ingestForTenants, UnknownRecipientError, PROCESS_EMAIL_JOB, type IngestEnvelope } from './email.receive.ts';
export { processInboundEmail, AUTO_REPLIES_PER_SENDER_PER_DAY } from './email.process.ts';
export { startMailListener } from './mail-listener.ts';
export { ensureDefaultMailSettings, getMailSettings, updateMailSettings, defaultAddress, tenantForRecipient } from './mail-settings.service.ts';
export { attachmentsOfTicket } from './email.attachments.ts';
export { listOutbox, getOutboxMail, storeLocalMail, type LocalMailInput } from './outbox-mail.service.ts';
export { listInbound } from './email.inbound.ts';
export { pollImap } from './mail-imap.ts';
export { encryptPlainImapPasswords } from './mail-settings.service.ts';
export { encryptPlainInboundSecrets } from './intake.service.ts';
export { emailRoutes } from './email.routes.ts';
