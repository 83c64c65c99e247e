/** Mail protocol plumbing, free of business rules: parse, sanitise, loop detection, listen, compose, send. */
export { parseEmail, messageIds, type ParsedEmail, type ParsedAttachment } from './parse.ts';
export { sanitizeEmailHtml, type SanitizeOptions } from './sanitize.ts';
export { automatedReason } from './loop.ts';
export { startSmtpListener, type SmtpEnvelope, type SmtpListener, type SmtpListenerOptions } from './smtp-listener.ts';
export { composeRaw, sendRaw, newMessageId, type OutgoingMail } from './compose.ts';
