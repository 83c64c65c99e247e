import { registerJob } from '../../platform/jobs/index.ts';
import { subscribe } from '../../platform/outbox/dispatch.ts';
import { markFailed, processInboundEmail } from './email.process.ts';
import { PROCESS_EMAIL_JOB } from './email.receive.ts';
import { mailAgentReply } from './email.reply.ts';
import { SEND_MAIL_JOB, sendQueuedMail } from './outbox-mail.service.ts';
import { IMAP_POLL_JOB } from './mail-settings.service.ts';
import { pollImap } from './mail-imap.ts';

// Handlers of the e-mail channel; loaded by src/jobs.ts before the worker starts.
registerJob<{ inboundId: string }>(
  PROCESS_EMAIL_JOB,
  async (job) => {
    try {
      await processInboundEmail(job.db, job.tenantId, job.payload.inboundId);
    } catch (e) {
      // the message stays stored either way; after the last attempt it is marked failed for the admin to see
      if (job.attempt >= job.maxAttempts) await markFailed(job.db, job.tenantId, job.payload.inboundId, (e as Error).message);
      throw e;
    }
  },
  { maxAttempts: 10 },
);
registerJob<{ outboxId: string }>(SEND_MAIL_JOB, sendQueuedMail, { maxAttempts: 8 });
registerJob(IMAP_POLL_JOB, async (job) => void (await pollImap(job.db, job.tenantId)), { maxAttempts: 1 });
subscribe('ticket_message.created', (event, job) => mailAgentReply(job.db, event), { name: 'channels.email_reply' });
