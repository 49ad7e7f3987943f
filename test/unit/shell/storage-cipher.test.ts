import { describe, expect, it } from 'vitest';
import { TamperedSecretError } from '../../../main/secrets/cipher';
import { Vault } from '../../../main/secrets/vault';
import { EncryptionUnavailableError, type StringEncryptor, StorageBackedCipher } from '../../../main/shell/storage-cipher';

/** Stands in for safeStorage: reversible, and rejects anything it did not produce. */
function fakeStorage(available = true): StringEncryptor {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.concat([Buffer.from('ENC:'), Buffer.from(s, 'utf8')]),
    decryptString: (b) => {
      if (!b.subarray(0, 4).equals(Buffer.from('ENC:'))) throw new Error('Error while decrypting the ciphertext provided');
      return b.subarray(4).toString('utf8');
    },
  };
}

describe('StorageBackedCipher (safeStorage port)', () => {
  it('round-trips through base64 and works inside the vault', () => {
    const c = new StorageBackedCipher(fakeStorage());
    const sealed = c.encrypt('tøken');
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(c.decrypt(sealed)).toBe('tøken');
    const vault = new Vault(c);
    expect(vault.open(vault.seal('refresh'))).toBe('refresh');
  });
  it('fails loudly on tampering', () => {
    const c = new StorageBackedCipher(fakeStorage());
    expect(() => c.decrypt(Buffer.from('garbage').toString('base64'))).toThrow(TamperedSecretError);
    expect(() => c.decrypt('not base64!')).toThrow(TamperedSecretError);
  });
  it('refuses to work when the OS offers no encryption', () => {
    const c = new StorageBackedCipher(fakeStorage(false));
    expect(() => c.encrypt('x')).toThrow(EncryptionUnavailableError);
    expect(() => c.decrypt('eA==')).toThrow(EncryptionUnavailableError);
  });
});
