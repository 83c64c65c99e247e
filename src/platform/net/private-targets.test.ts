import { describe, expect, it } from 'vitest';
import { checkTargetHost, isPrivateAddress, PrivateTargetError, resolveTarget, urlHost } from './private-targets.ts';

describe('private network addresses', () => {
  it.each([
    '10.0.0.1',
    '127.0.0.1',
    '127.255.0.9',
    '0.0.0.0',
    '169.254.169.254',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '224.0.0.1',
    '::1',
    '::',
    'fd00::1',
    'fc12:3456::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::10.0.0.1',
    '2002:c0a8:0101::1',
    'not-an-ip',
  ])('%s is refused', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8'])('%s is allowed', (ip) =>
    expect(isPrivateAddress(ip)).toBe(false),
  );

  it('takes the host of a URL without the IPv6 brackets', () => {
    expect(urlHost('http://[::1]:8080/x')).toBe('::1');
    // the URL parser normalises the tricks: decimal, short and hex IPv4 forms
    expect(urlHost('http://2130706433/')).toBe('127.0.0.1');
    expect(urlHost('http://127.1/')).toBe('127.0.0.1');
    expect(urlHost('http://0x7f.0.0.1/')).toBe('127.0.0.1');
  });
});

describe('checkTargetHost', () => {
  const off = { allowPrivate: false };
  it.each(['10.0.0.1', '127.0.0.1', '[::1]', '169.254.169.254', 'localhost'])('refuses %s when private targets are not allowed', async (host) => {
    await expect(checkTargetHost(host, off)).rejects.toBeInstanceOf(PrivateTargetError);
    await expect(resolveTarget(host, off)).rejects.toBeInstanceOf(PrivateTargetError);
  });

  it('names the address a host name resolved to', async () => {
    await expect(checkTargetHost('localhost', off)).rejects.toThrow(/localhost resolves to (127\.0\.0\.1|::1)/);
  });

  it.each(['10.0.0.1', '127.0.0.1', '[::1]', '169.254.169.254', 'localhost'])('allows %s with ALLOW_PRIVATE_WEBHOOK_TARGETS', async (host) => {
    await expect(checkTargetHost(host, { allowPrivate: true })).resolves.toBeUndefined();
    expect(await resolveTarget(host, { allowPrivate: true })).toBe(host.replace(/[[\]]/g, ''));
  });

  it('accepts a public address, and a name that does not resolve (yet): delivery checks again', async () => {
    await expect(checkTargetHost('93.184.216.34', off)).resolves.toBeUndefined();
    await expect(checkTargetHost('no-such-host.invalid', off)).resolves.toBeUndefined();
    expect(await resolveTarget('93.184.216.34', off)).toBe('93.184.216.34');
  });
});
