// AES-256-GCM with a random key kept in a 0600 file in the data dir (the Node hosts' cipher).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, openSync, readFileSync, writeSync, closeSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { type Cipher, TamperedSecretError } from './cipher';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** Reads the key file, creating it (0600, exclusive) on first use. */
export function loadOrCreateKey(keyFile: string): Buffer {
  mkdirSync(dirname(keyFile), { recursive: true });
  try {
    const fd = openSync(keyFile, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    const key = randomBytes(KEY_BYTES);
    try {
      writeSync(fd, key.toString('base64'));
    } finally {
      closeSync(fd);
    }
    chmodSync(keyFile, 0o600);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`The key file ${keyFile} is damaged (expected ${KEY_BYTES} bytes).`);
  return key;
}

export class AesGcmCipher implements Cipher {
  readonly id = 'aesgcm';
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error('AES-256-GCM needs a 32-byte key');
    this.#key = key;
  }

  static fromKeyFile(keyFile: string): AesGcmCipher {
    return new AesGcmCipher(loadOrCreateKey(keyFile));
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const c = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
  }

  decrypt(ciphertext: string): string {
    const raw = Buffer.from(ciphertext, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new TamperedSecretError('too short');
    const d = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
    d.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([d.update(raw.subarray(IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8');
    } catch {
      throw new TamperedSecretError('authentication failed');
    }
  }
}
