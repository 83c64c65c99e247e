import dns from 'node:dns';
import type { DNSResolver } from 'mailauth';

// loaded on first use: the package adds megabytes of RSS to every process, and most never use it
let mailauth: Promise<typeof import('mailauth')> | undefined;

export type { DNSResolver };

/** The verdicts kept per message; each is mailauth's result word (pass, fail, softfail, neutral, none, temperror, permerror, policy). */
export interface MailAuthResult {
  spf: string;
  dkim: string;
  dmarc: string;
  /** the policy the From domain publishes (none, quarantine, reject), null without a DMARC record */
  dmarcPolicy: string | null;
  /** the Authentication-Results / Received-SPF lines mailauth computed */
  header: string;
}

export interface MailAuthInput {
  /** SMTP client address; without it SPF cannot be checked (it reports none) */
  ip: string | null;
  helo: string | null;
  /** MAIL FROM, null for a bounce (<>) */
  mailFrom: string | null;
  /** our host name, written into the result header */
  mta: string;
  resolver?: DNSResolver;
}

/**
 * The resolver used when none is injected: the system's, with a short timeout and one try, so that a slow
 * or unreachable DNS server delays an SMTP transaction by seconds at most (the verdict is then temperror).
 */
export function systemResolver(timeoutMs = 3000): DNSResolver {
  const r = new dns.promises.Resolver({ timeout: timeoutMs, tries: 1 });
  return (name, rrtype) => r.resolve(name, rrtype) as Promise<string[][] | string[]>;
}

/** IPv4-mapped IPv6 (::ffff:1.2.3.4, as Node reports dual-stack clients) → 1.2.3.4, which SPF's ip4: rules match. */
const plainIp = (ip: string) => ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');

/**
 * SPF (envelope sender against the client address), DKIM (all signatures; the best one counts) and DMARC
 * (alignment of either with the From domain) for one received message. ARC and BIMI are skipped: we are the
 * final recipient and show no logos. Never throws: a failure of the check itself is recorded as temperror.
 */
export async function verifyMailAuth(raw: Buffer, input: MailAuthInput): Promise<MailAuthResult> {
  try {
    const { authenticate } = await (mailauth ??= import('mailauth'));
    const res = await authenticate(raw, {
      ip: input.ip ? plainIp(input.ip) : undefined,
      helo: input.helo ?? undefined,
      sender: input.mailFrom ?? '',
      mta: input.mta,
      resolver: input.resolver ?? systemResolver(),
      disableArc: true,
      disableBimi: true,
    });
    const dkimResults = res.dkim?.results ?? [];
    const rank = ['pass', 'policy', 'neutral', 'temperror', 'permerror', 'fail', 'none'];
    const dkim = dkimResults.map((r) => r.status.result).sort((a, b) => rank.indexOf(a) - rank.indexOf(b))[0] ?? 'none';
    // mailauth's SPF says 'temperr' in places; one spelling in our data
    const word = (w: string) => (w === 'temperr' ? 'temperror' : w);
    return {
      spf: word(res.spf ? res.spf.status.result : 'none'),
      dkim: word(dkim),
      dmarc: word(res.dmarc ? res.dmarc.status.result : 'none'),
      dmarcPolicy: res.dmarc && res.dmarc.policy ? res.dmarc.policy : null,
      header: res.headers.trim().slice(0, 4000),
    };
  } catch (e) {
    return { spf: 'temperror', dkim: 'temperror', dmarc: 'temperror', dmarcPolicy: null, header: `error: ${(e as Error).message}`.slice(0, 1000) };
  }
}
