// The Cipher port over an OS keychain-style encryptor (Electron's safeStorage). Pure: the encryptor is
// injected, so tests use a fake; safe-storage-cipher.ts binds it to Electron.
import { type Cipher, TamperedSecretError } from '../secrets/cipher';

export interface StringEncryptor {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export class EncryptionUnavailableError extends Error {
  constructor() {
    super('The operating system offers no secure storage (safeStorage is unavailable), so Junction cannot store secrets.');
    this.name = 'EncryptionUnavailableError';
  }
}

export class StorageBackedCipher implements Cipher {
  readonly id = 'safestorage';

  constructor(private readonly storage: StringEncryptor) {}

  encrypt(plaintext: string): string {
    if (!this.storage.isEncryptionAvailable()) throw new EncryptionUnavailableError();
    return this.storage.encryptString(plaintext).toString('base64');
  }

  decrypt(ciphertext: string): string {
    if (!this.storage.isEncryptionAvailable()) throw new EncryptionUnavailableError();
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertext)) throw new TamperedSecretError('not base64');
    try {
      return this.storage.decryptString(Buffer.from(ciphertext, 'base64'));
    } catch (err) {
      throw new TamperedSecretError(err instanceof Error ? err.message : 'decryption failed');
    }
  }
}
