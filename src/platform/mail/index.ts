/** Mail protocol plumbing, free of business rules: parse, sanitise, loop detection, listen, compose, send. */
export { parseEmail, messageIds, type ParsedEmail, type ParsedAttachment } from './parse.ts';
export { sanitizeEmailHtml, type SanitizeOptions } from './sanitize.ts';
export { automatedReason } from './loop.ts';
export { startSmtpListener, SmtpRejection, type SmtpEnvelope, type SmtpListener, type SmtpListenerOptions, type SmtpTls } from './smtp-listener.ts';
export { verifyMailAuth, systemResolver, type MailAuthInput, type MailAuthResult, type DNSResolver } from './auth.ts';
export { composeRaw, sendRaw, newMessageId, textToHtml, type OutgoingMail, type OutgoingAttachment } from './compose.ts';
