import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';

/**
 * Outbound connections whose address a tenant admin chooses (webhook URLs, IMAP servers) must not reach the
 * platform's own network: loopback, private and carrier-grade NAT ranges, link-local (169.254.169.254 is the
 * cloud metadata service), unique-local IPv6 and the like. Checked on save and again at connect time, after
 * DNS, on the very address connected to, so a name that later resolves elsewhere (DNS rebinding) is caught.
 * ALLOW_PRIVATE_WEBHOOK_TARGETS=1 lifts the rule (tests, on-premises installations with internal receivers).
 */
const blocked = new net.BlockList();
for (const [a, p] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(a, p, 'ipv4');
}
for (const [a, p] of [
  ['::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(a, p, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (with or without a dotted IPv4 tail). */
function ipv6Groups(ip: string): number[] {
  let s = ip.split('%')[0];
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    s = `${s.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => parseInt(g, 16));
}

const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/** An IPv4 address carried inside an IPv6 one: IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002::/16). */
function embeddedIPv4(ip: string): string | null {
  const g = ipv6Groups(ip);
  if (g.length !== 8) return null;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return v4(g[6], g[7]);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4(g[6], g[7]);
  if (g[0] === 0x2002) return v4(g[1], g[2]);
  return null;
}

/** True for an address a tenant-chosen target may not have. Anything that is not an IP address counts as private. */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '');
  const family = net.isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family !== 6) return true;
  const inner = embeddedIPv4(ip);
  if (inner !== null && blocked.check(inner, 'ipv4')) return true;
  return blocked.check(ip, 'ipv6');
}

export class PrivateTargetError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(host === address ? `${host} is a private, loopback or link-local address` : `${host} resolves to ${address}, a private, loopback or link-local address`);
    this.name = 'PrivateTargetError';
  }
}

/** A URL's host without IPv6 brackets. */
export const urlHost = (url: string | URL): string => new URL(url).hostname.replace(/^\[|\]$/g, '');

/**
 * Throws PrivateTargetError when `host` is, or resolves to, a refused address. A name that does not resolve
 * now is accepted: it may exist later, and the connect-time check still applies.
 */
export async function checkTargetHost(host: string, opts: { allowPrivate: boolean }): Promise<void> {
  if (opts.allowPrivate) return;
  const h = host.replace(/^\[|\]$/g, '');
  if (net.isIP(h)) {
    if (isPrivateAddress(h)) throw new PrivateTargetError(h, h);
    return;
  }
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(h, { all: true, verbatim: true });
  } catch {
    return;
  }
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  if (bad) throw new PrivateTargetError(h, bad.address);
}

/**
 * A `lookup` for net / http / tls connections: resolves as usual and fails the connection when any address of
 * the name is refused. The socket then connects to an address checked here, not to a second resolution.
 * (Literal IP hosts skip lookup in Node: check them with checkTargetHost before connecting.)
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(Object.assign(new PrivateTargetError(hostname, bad.address), { code: 'EPRIVATETARGET' }), '', 0);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
    callback(null, first.address, first.family);
  });
};

/**
 * For clients without a `lookup` hook (IMAP): the address to connect to, resolved and checked once here, so that
 * the connection cannot go to another answer of the same name. Pass the original name on for TLS (SNI and
 * certificate check). With private targets allowed the name comes back as it is.
 */
export async function resolveTarget(host: string, opts: { allowPrivate: boolean }): Promise<string> {
  const h = host.replace(/^\[|\]$/g, '');
  if (opts.allowPrivate) return h;
  if (net.isIP(h)) {
    if (isPrivateAddress(h)) throw new PrivateTargetError(h, h);
    return h;
  }
  const addresses = await dns.promises.lookup(h, { all: true, verbatim: true });
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  if (bad) throw new PrivateTargetError(h, bad.address);
  if (!addresses[0]) throw Object.assign(new Error(`${h} has no address`), { code: 'ENOTFOUND' });
  return addresses[0].address;
}
