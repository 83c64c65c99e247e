import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface SmtpEnvelope {
  mailFrom: string | null;
  rcptTo: string[];
  remoteAddress: string | null;
  /** the name the client gave in HELO/EHLO */
  helo: string | null;
  /** the session ran over TLS (STARTTLS) */
  secure: boolean;
}

/** PEM key and certificate: the listener then offers STARTTLS (opportunistic; plain SMTP stays allowed, as for any MX). */
export interface SmtpTls {
  key: string | Buffer;
  cert: string | Buffer;
}

export interface SmtpListenerOptions {
  host: string;
  /** 0 → an ephemeral port (tests) */
  port: number;
  maxBytes: number;
  /** name in the greeting and Received lines */
  serverName?: string;
  /** false → 550 for this recipient */
  acceptRecipient(address: string): Promise<boolean>;
  /** Must store the message durably before it resolves: the 250 reply follows. Throwing → 451 (sender retries). */
  onMessage(raw: Buffer, envelope: SmtpEnvelope): Promise<string | void>;
  log?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  maxRecipients?: number;
  tls?: SmtpTls;
}

/** Thrown by onMessage to refuse a message permanently with this SMTP code (e.g. 550 on a DMARC failure). */
export class SmtpRejection extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The inbound SMTP listener: no AUTH (it is an MX for our own addresses, not a relay), recipients checked
 * at RCPT TO, size limit enforced while reading DATA. The message is acknowledged only after onMessage has
 * stored it, so an accepted message can never be lost; any failure before that is a temporary 451.
 */
export async function startSmtpListener(opts: SmtpListenerOptions): Promise<SmtpListener> {
  const maxRecipients = opts.maxRecipients ?? 50;
  // loaded here: processes started with SMTP_ENABLED=false never need it
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer({
    name: opts.serverName,
    banner: 'after-sales mail intake',
    size: opts.maxBytes,
    authOptional: true,
    disabledCommands: opts.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    disableReverseLookup: true,
    logger: false,
    socketTimeout: 60_000,
    onRcptTo(address, session: SMTPServerSession, callback) {
      if (session.envelope.rcptTo.length >= maxRecipients) return callback(smtpError(452, '4.5.3 Too many recipients'));
      opts.acceptRecipient(address.address).then(
        (ok) => callback(ok ? null : smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`)),
        (e: Error) => {
          opts.log?.error({ err: e.message }, 'smtp recipient check failed');
          callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
        },
      );
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (c: Buffer) => {
        bytes += c.length;
        // keep reading (the protocol needs the whole DATA) but stop buffering what will be rejected
        if (bytes <= opts.maxBytes) chunks.push(c);
      });
      stream.on('error', (e: Error) => callback(smtpError(451, `4.3.0 ${e.message}`)));
      stream.on('end', () => {
        if (stream.sizeExceeded || bytes > opts.maxBytes) {
          return callback(smtpError(552, `5.3.4 Message too big: ${bytes} bytes, the limit is ${opts.maxBytes} bytes`));
        }
        const envelope: SmtpEnvelope = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address || null : null,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          remoteAddress: session.remoteAddress ?? null,
          helo: session.hostNameAppearsAs || null,
          secure: !!session.secure,
        };
        opts.onMessage(Buffer.concat(chunks), envelope).then(
          (id) => callback(null, `2.0.0 Ok: queued${id ? ` as ${id}` : ''}`),
          (e: Error) => {
            if (e instanceof SmtpRejection) return callback(smtpError(e.responseCode, e.message));
            opts.log?.error({ err: e.message }, 'smtp message could not be stored');
            callback(smtpError(451, '4.3.0 Message not stored, try again later'));
          },
        );
      });
    },
  });
  server.on('error', (e: Error) => opts.log?.warn({ err: e.message }, 'smtp connection error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
