import { createHash, randomBytes } from 'node:crypto';

/** A fresh key: its value (shown once), the hash the database keeps, and a prefix to tell keys apart. */
export interface GeneratedApiKey {
  value: string;
  hash: string;
  displayPrefix: string;
}

/** SHA-256 of a key value, hex: what the database keeps instead of the value. */
export function hashApiKey(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** The first 9 characters and an ellipsis, e.g. `maas_k3Fz…`. */
export function displayPrefixOf(value: string): string {
  return `${value.slice(0, 9)}…`;
}

/** 256 random bits, base64url, after the configured prefix. */
export function generateApiKey(prefix: string): GeneratedApiKey {
  const value = `${prefix}${randomBytes(32).toString('base64url')}`;
  return {
    value,
    hash: hashApiKey(value),
    displayPrefix: displayPrefixOf(value),
  };
}
