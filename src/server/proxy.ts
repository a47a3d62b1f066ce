/**
 * RELAIS_TRUST_PROXY, read once at start and handed to Fastify's `trustProxy`. Only a trusted
 * proxy's `X-Forwarded-For` / `X-Forwarded-Proto` are believed: they give `request.ip` (rate
 * limits) and `request.protocol` (HSTS). Unset means no proxy is trusted.
 * Accepted: `true`/`false` or a comma-separated list of IPs, CIDRs and proxy-addr's names
 * `loopback`, `linklocal`, `uniquelocal`. A hop count is refused: Fastify 5 disabled it (it cannot
 * tell the proxy from a client that reaches the server directly and forges the header), and a
 * setting silently ignored would put every tablet back on one address. Anything else is refused
 * at start with a message saying what to write.
 */
import { isIP } from 'node:net';

export type TrustProxy = boolean | string;

const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function validEntry(entry: string): boolean {
  if (NAMES.has(entry)) return true;
  const [address, mask, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length > 0) return false;
  if (mask === undefined) return true;
  if (/^\d{1,3}$/.test(mask)) return Number(mask) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(mask) === 4; // 10.0.0.0/255.0.0.0
}

/** Reads the variable; throws an Error whose message can be shown as it is. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  if (text === '' || /^false$/i.test(text)) return false;
  if (/^true$/i.test(text)) return true;
  if (/^\d+$/.test(text)) {
    throw new Error(`RELAIS_TRUST_PROXY=${text}: hop counts are not trusted by Fastify 5; give the proxy's address instead (e.g. 127.0.0.1 or loopback).`);
  }
  const entries = text.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !validEntry(e));
  if (bad.length > 0) {
    throw new Error(`RELAIS_TRUST_PROXY: "${bad.join(', ')}" is not an IP address, a CIDR range, loopback, linklocal, uniquelocal or true.`);
  }
  return entries.join(',');
}
