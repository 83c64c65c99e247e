import { signWebhook } from '../../platform/webhooks/signature.ts';

/**
 * SMS providers. The product ships one adapter, a generic HTTP gateway with a documented request, so any
 * vendor (Aliyun, Tencent Cloud, a carrier gateway) can be connected by a small relay that speaks it:
 *
 *   POST <gateway URL>
 *   Content-Type: application/json
 *   Idempotency-Key: <campaign message id>     (a UUID; the same on every retry of that message)
 *   Authorization: Bearer <secret>             (auth = bearer), or
 *   X-Timestamp: <unix seconds>                (auth = hmac)
 *   X-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *   {"to": "+8613800138000", "text": "…", "signature": "【演示电器】", "templateId": "SMS_123"}   (templateId optional)
 *
 * The gateway must send at most one SMS per Idempotency-Key and answer a repeated key like the first time.
 * The platform relies on it: when it stopped after handing a message over but before recording the answer
 * (a crash, a timeout after the gateway accepted), it sends the same request again with the same key.
 *
 * Any 2xx is accepted; a JSON body with "id" (or "messageId") is kept as the provider reference. 5xx, 429
 * and network errors are retried; other 4xx fail at once (the request itself is wrong).
 */
export interface SmsMessage {
  to: string;
  text: string;
  signature: string;
  templateId?: string | null;
  idempotencyKey: string;
}

export interface SmsProvider {
  send(m: SmsMessage): Promise<{ providerRef: string | null }>;
}

export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface HttpGatewayConfig {
  url: string;
  auth: 'hmac' | 'bearer';
  secret: string | null;
  timeoutMs?: number;
}

export class HttpSmsGateway implements SmsProvider {
  constructor(private readonly cfg: HttpGatewayConfig) {}

  async send(m: SmsMessage): Promise<{ providerRef: string | null }> {
    const body = JSON.stringify({ to: m.to, text: m.text, signature: m.signature, ...(m.templateId ? { templateId: m.templateId } : {}) });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': m.idempotencyKey };
    if (this.cfg.secret) {
      if (this.cfg.auth === 'bearer') headers.authorization = `Bearer ${this.cfg.secret}`;
      else {
        const ts = Math.floor(Date.now() / 1000);
        headers['x-timestamp'] = String(ts);
        headers['x-signature'] = signWebhook(this.cfg.secret, ts, body);
      }
    }
    let res: Response;
    try {
      res = await fetch(this.cfg.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.cfg.timeoutMs ?? 10_000) });
    } catch (e) {
      throw new SmsSendError(`SMS gateway unreachable: ${(e as Error).message}`, false);
    }
    const text = await res.text();
    if (!res.ok) {
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408;
      throw new SmsSendError(`SMS gateway HTTP ${res.status}: ${text.slice(0, 300)}`, permanent);
    }
    try {
      const j = JSON.parse(text) as { id?: unknown; messageId?: unknown };
      const ref = j.id ?? j.messageId;
      return { providerRef: ref === undefined || ref === null ? null : String(ref) };
    } catch {
      return { providerRef: null };
    }
  }
}
