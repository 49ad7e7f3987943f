import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { checkWebhookTarget, isPublicAddress, pinnedLookup, type ResolvedAddress } from '../../../main/webhooks/ssrf';

const fam = (a: string) => (a.includes(':') ? 6 : 4);
/** A resolver that answers every name with `addresses` and records what it was asked. */
function resolver(...addresses: string[]) {
  const asked: string[] = [];
  const lookup = (host: string): Promise<ResolvedAddress[]> => {
    asked.push(host);
    return Promise.resolve(addresses.map((address) => ({ address, family: fam(address) })));
  };
  return { lookup, asked };
}
const neverResolve = (host: string): Promise<ResolvedAddress[]> => Promise.reject(new Error(`unexpected DNS lookup of ${host}`));

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  const app = e as AppError;
  expect(app.code).toBe('VALIDATION');
  return app;
}

// Every family that must be refused without the opt-in, as the resolver might return it.
const LOCAL: Record<string, string[]> = {
  'loopback v4': ['127.0.0.1', '127.255.255.254'],
  'loopback v6': ['::1'],
  'private (RFC 1918)': ['10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.10'],
  'link-local v4 incl. cloud metadata': ['169.254.169.254', '169.254.0.1'],
  'link-local v6': ['fe80::1', 'febf::1'],
  'unique-local v6': ['fc00::1', 'fd12:3456:789a::1'],
  unspecified: ['0.0.0.0', '0.1.2.3', '::'],
  'carrier-grade NAT': ['100.64.0.1', '100.127.255.254'],
  'multicast / broadcast': ['224.0.0.1', '239.255.255.250', '255.255.255.255', 'ff02::1', 'ff05::2'],
  'reserved / documentation / benchmarking': ['240.0.0.1', '192.0.2.1', '198.51.100.7', '203.0.113.9', '198.18.0.1', '192.0.0.8', '2001:db8::1'],
  'IPv4-mapped IPv6 of local': ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.5', '::ffff:169.254.169.254', '::ffff:0:127.0.0.1'],
  'NAT64 of local': ['64:ff9b::127.0.0.1', '64:ff9b::a00:5', '64:ff9b::169.254.169.254', '64:ff9b:1::a00:5'],
  'other special IPv6 (deprecated IPv4-compatible, site-local, 6to4, Teredo, discard)': [
    '::127.0.0.1',
    'fec0::1',
    '2002:7f00:1::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '100::1',
  ],
};
const PUBLIC = ['93.184.215.14', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8'];

describe('checkWebhookTarget', () => {
  for (const [family, addresses] of Object.entries(LOCAL)) {
    it(`refuses ${family} by default and allows it with the opt-in`, async () => {
      for (const address of addresses) {
        expect(isPublicAddress(address), address).toBe(false);
        const e = await refusal(checkWebhookTarget('https://hooks.example.com/x', { allowLocal: false, lookup: resolver(address).lookup }));
        expect(e.message).toBe(
          `Junction will not send webhooks to a private or local address (${address}). Turn on 'Allow local targets' for this webhook if you mean it.`,
        );
        expect(e.details).toEqual({ reason: 'local_address', host: 'hooks.example.com', address });

        const ok = await checkWebhookTarget('https://hooks.example.com/x', { allowLocal: true, lookup: resolver(address).lookup });
        expect(ok).toMatchObject({ address, family: fam(address) });
        expect(ok.url.href).toBe('https://hooks.example.com/x');
      }
    });
  }

  it('allows public addresses and returns the resolved one to connect to', async () => {
    for (const address of PUBLIC) {
      expect(isPublicAddress(address), address).toBe(true);
      const { lookup, asked } = resolver(address);
      const t = await checkWebhookTarget('https://hooks.example.com:8443/in?x=1', { allowLocal: false, lookup });
      expect(asked).toEqual(['hooks.example.com']);
      expect(t).toMatchObject({ address, family: fam(address) });
      expect(t.url.port).toBe('8443');
    }
  });

  it('refuses a DNS name that resolves to a private address', async () => {
    const e = await refusal(checkWebhookTarget('https://internal.corp.example/', { allowLocal: false, lookup: resolver('10.1.2.3').lookup }));
    expect(e.message).toContain('(10.1.2.3)');
  });

  it('refuses when ANY resolved address is local, whatever the order', async () => {
    for (const order of [['8.8.8.8', '192.168.0.7'], ['192.168.0.7', '8.8.8.8'], ['2606:4700::1', '::1']]) {
      const e = await refusal(checkWebhookTarget('https://mixed.example.com/', { allowLocal: false, lookup: resolver(...order).lookup }));
      expect(e.details).toMatchObject({ reason: 'local_address', address: order.find((a) => !isPublicAddress(a)) });
    }
  });

  it('sees through decimal, octal, hex and short IPv4 literals (WHATWG URL normalises them) without DNS', async () => {
    for (const url of ['https://2130706433/', 'https://0177.0.0.1/', 'https://0x7f.1/', 'https://127.1/', 'https://0x7f000001/', 'https://017700000001/']) {
      expect(new URL(url).hostname).toBe('127.0.0.1');
      const e = await refusal(checkWebhookTarget(url, { allowLocal: false, lookup: neverResolve }));
      expect(e.message).toContain('(127.0.0.1)');
      await expect(checkWebhookTarget(url, { allowLocal: true, lookup: neverResolve })).resolves.toMatchObject({ address: '127.0.0.1', family: 4 });
    }
    for (const [url, address] of [
      ['https://0/', '0.0.0.0'],
      ['https://2852039166/', '169.254.169.254'],
      ['https://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254'],
      ['https://10.1/', '10.0.0.1'],
      ['https://[::1]/', '::1'],
      ['https://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
      ['https://[0:0:0:0:0:ffff:a9fe:a9fe]/', '::ffff:a9fe:a9fe'],
    ] as const) {
      const e = await refusal(checkWebhookTarget(url, { allowLocal: false, lookup: neverResolve }));
      expect(e.details, url).toMatchObject({ address });
    }
    await expect(checkWebhookTarget('https://8.8.8.8/', { allowLocal: false, lookup: neverResolve })).resolves.toMatchObject({ address: '8.8.8.8' });
    await expect(checkWebhookTarget('https://[2606:4700::1]/', { allowLocal: false, lookup: neverResolve })).resolves.toMatchObject({
      address: '2606:4700::1',
      family: 6,
    });
  });

  it('refuses "localhost" through DNS like any other name', async () => {
    await refusal(checkWebhookTarget('https://localhost/', { allowLocal: false, lookup: resolver('127.0.0.1', '::1').lookup }));
  });

  it('requires https; http only with the opt-in and only to local addresses', async () => {
    const e = await refusal(checkWebhookTarget('http://hooks.example.com/', { allowLocal: false, lookup: neverResolve }));
    expect(e.details).toMatchObject({ reason: 'insecure_scheme' });
    await expect(checkWebhookTarget('http://127.0.0.1:8080/hook', { allowLocal: true })).resolves.toMatchObject({ address: '127.0.0.1' });
    const pub = await refusal(checkWebhookTarget('http://hooks.example.com/', { allowLocal: true, lookup: resolver('8.8.8.8').lookup }));
    expect(pub.details).toMatchObject({ reason: 'insecure_scheme', address: '8.8.8.8' });
    for (const url of ['ftp://example.com/', 'file:///etc/passwd', 'gopher://127.0.0.1/', 'javascript:alert(1)']) {
      expect((await refusal(checkWebhookTarget(url, { allowLocal: true, lookup: neverResolve }))).details).toMatchObject({ reason: 'unsupported_scheme' });
    }
    expect((await refusal(checkWebhookTarget('not a url', { allowLocal: true }))).details).toMatchObject({ reason: 'invalid_url' });
  });

  it('reports a name that does not resolve (or resolves to nothing) as unresolvable', async () => {
    const failing = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    const e = await refusal(checkWebhookTarget('https://nope.invalid/', { allowLocal: false, lookup: failing }));
    expect(e.details).toEqual({ reason: 'unresolvable', host: 'nope.invalid', code: 'ENOTFOUND' });
    expect(e.message).toBe('Junction could not find the address of nope.invalid. Check the webhook URL.');
    await refusal(checkWebhookTarget('https://empty.example/', { allowLocal: false, lookup: resolver().lookup }));
  });

  it('uses the system resolver by default', async () => {
    const e = await refusal(checkWebhookTarget('https://localhost/', { allowLocal: false }));
    expect(e.details).toMatchObject({ reason: 'local_address', host: 'localhost' });
  });
});

describe('pinnedLookup', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('connects to the checked address whatever the hostname resolves to, keeping the Host header', async () => {
    server = createServer((req, res) => res.end(`host=${req.headers.host}`));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    // A name that would not resolve at all: only the pinned lookup makes the connection possible.
    const target = await checkWebhookTarget(`http://receiver.invalid:${port}/hook`, { allowLocal: true, lookup: resolver('127.0.0.1').lookup });
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(target.url, { method: 'POST', lookup: pinnedLookup(target) }, (res) => {
        let s = '';
        res.on('data', (c: Buffer) => (s += c.toString()));
        res.on('end', () => resolve(s));
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(text).toBe(`host=receiver.invalid:${port}`);
  });

  it('answers both the single and the all:true forms', () => {
    const lookup = pinnedLookup({ address: '2606:4700::1', family: 6 });
    const single: unknown[] = [];
    lookup('x', { family: 0 }, (...args) => single.push(...args));
    expect(single).toEqual([null, '2606:4700::1', 6]);
    const all: unknown[] = [];
    lookup('x', { all: true }, (...args) => all.push(...args));
    expect(all).toEqual([null, [{ address: '2606:4700::1', family: 6 }]]);
    const bare: unknown[] = [];
    lookup('x', (...args) => bare.push(...args));
    expect(bare).toEqual([null, '2606:4700::1', 6]);
  });
});
