// A minimal, dependency-free receiver for Junction webhooks (docs/webhooks.md). Node 20+.
//
//   WEBHOOK_SECRET=whsec_... PORT=8080 node docs/webhooks/receiver-example.mjs
//
// It verifies the Standard Webhooks signature over the raw body, refuses timestamps more than 5 minutes off,
// answers a repeated webhook-id with 2xx without handling it twice, and answers fast: do slow work elsewhere
// (a queue), or Junction's 15 s timeout counts the attempt as failed and retries it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { pathToFileURL } from 'node:url';

export const TOLERANCE_SECONDS = 5 * 60;
const MAX_BODY_BYTES = 1024 * 1024;

/** The HMAC key: the base64 part of `whsec_...`, decoded. */
function keyOf(secret) {
  if (typeof secret !== 'string' || !secret.startsWith('whsec_')) throw new TypeError('WEBHOOK_SECRET must start with whsec_');
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

/**
 * Checks one request. `body` is the raw body (a Buffer), exactly as received: never re-serialise parsed JSON.
 * Returns { ok: true } or { ok: false, reason }.
 */
export function verifyWebhook(secret, headers, body, nowSeconds = Math.floor(Date.now() / 1000)) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') {
    return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature' };
  }
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) {
    return { ok: false, reason: 'timestamp outside the 5 minute tolerance' };
  }
  const expected = createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.`).update(body).digest();
  // During a secret rotation there are several "v1,<base64>" entries: any one matching is enough.
  // Compare every entry in constant time, without stopping at the first match.
  let match = false;
  for (const entry of signatures.split(' ')) {
    const [version, sig] = entry.split(',', 2);
    if (version !== 'v1' || !sig) continue;
    const given = Buffer.from(sig, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) match = true;
  }
  return match ? { ok: true } : { ok: false, reason: 'no matching v1 signature' };
}

/**
 * A request handler. `onEvent({ id, payload })` is called once per webhook-id; keep it quick (enqueue work).
 * Seen ids live in memory here; a real receiver keeps them durably (a unique key in its database) for longer than
 * a redelivery can come, since Junction retries and redeliveries reuse the webhook-id with a fresh timestamp.
 */
export function createHandler({ secret, onEvent = () => {}, maxSeen = 10_000 }) {
  keyOf(secret);
  const seen = new Set();
  return (req, res) => {
    const reply = (status, text) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(text);
    };
    if (req.method !== 'POST') return reply(405, 'POST only');
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return reply(413, 'too large');
      const body = Buffer.concat(chunks);
      const check = verifyWebhook(secret, req.headers, body);
      if (!check.ok) return reply(401, check.reason);
      const id = req.headers['webhook-id'];
      if (seen.has(id)) return reply(200, 'duplicate');
      let payload;
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        return reply(400, 'invalid JSON');
      }
      seen.add(id);
      if (seen.size > maxSeen) seen.delete(seen.values().next().value);
      try {
        onEvent({ id, payload });
      } catch (err) {
        seen.delete(id); // not handled: let Junction's retry bring it again
        console.error(err);
        return reply(500, 'handler failed');
      }
      reply(200, 'ok');
    });
  };
}

/** An http.Server listening on `host`:`port` (0 = any free port). Resolves once it listens. */
export function startReceiver({ secret, port = 0, host = '127.0.0.1', onEvent }) {
  const server = http.createServer(createHandler({ secret, onEvent }));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

// Standalone: node docs/webhooks/receiver-example.mjs (env WEBHOOK_SECRET, PORT, HOST).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startReceiver({
    secret: process.env.WEBHOOK_SECRET,
    port: Number(process.env.PORT ?? 8080),
    host: process.env.HOST ?? '127.0.0.1',
    onEvent: ({ id, payload }) => console.log(id, payload.type, JSON.stringify(payload.data)),
  });
  const { address, port } = server.address();
  console.log(`Listening on http://${address}:${port}/`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
