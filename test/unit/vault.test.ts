import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AesGcmCipher, loadOrCreateKey } from '../../main/secrets/aes-gcm-cipher';
import { TamperedSecretError, type Cipher } from '../../main/secrets/cipher';
import { type Sealed, Vault } from '../../main/secrets/vault';
import { tempDir } from '../support/temp';

describe('token vault', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  function vaultIn(): { vault: Vault; keyFile: string } {
    const t = tempDir();
    cleanup = t.cleanup;
    const keyFile = join(t.dir, 'data', 'vault.key');
    return { vault: new Vault(AesGcmCipher.fromKeyFile(keyFile)), keyFile };
  }

  it('round-trips a secret and never stores the plaintext', () => {
    const { vault } = vaultIn();
    const secret = 'ya29.SECRET-access-token-Ω';
    const sealed = vault.seal(secret);
    expect(sealed).not.toContain(secret);
    expect(sealed).not.toContain(Buffer.from(secret).toString('base64'));
    expect(vault.open(sealed)).toBe(secret);
    // Random IV: the same secret seals differently each time.
    expect(vault.seal(secret)).not.toBe(sealed);
  });

  it('creates the key file on first use with mode 0600 and reuses it', () => {
    const { vault, keyFile } = vaultIn();
    expect((statSync(keyFile).mode & 0o777).toString(8)).toBe('600');
    const sealed = vault.seal('x');
    const again = new Vault(AesGcmCipher.fromKeyFile(keyFile));
    expect(again.open(sealed)).toBe('x');
    expect(loadOrCreateKey(keyFile).equals(Buffer.from(readFileSync(keyFile, 'utf8'), 'base64'))).toBe(true);
  });

  it('fails loudly on tampered ciphertext', () => {
    const { vault } = vaultIn();
    const sealed = vault.seal('refresh-token-123');
    const [v, id, body] = sealed.split(':') as [string, string, string];
    const raw = Buffer.from(body, 'base64');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 0x01;
    const tampered = `${v}:${id}:${raw.toString('base64')}` as Sealed;
    expect(() => vault.open(tampered)).toThrow(TamperedSecretError);
    expect(() => vault.open('v1:aesgcm:AAAA' as Sealed)).toThrow(TamperedSecretError);
    expect(() => vault.open('garbage' as Sealed)).toThrow(TamperedSecretError);
  });

  it('refuses a value sealed with another key or another cipher', () => {
    const { vault } = vaultIn();
    const other = vaultIn().vault;
    expect(() => other.open(vault.seal('s'))).toThrow(TamperedSecretError);
    const rot13: Cipher = { id: 'other', encrypt: (s) => s, decrypt: (s) => s };
    expect(() => vault.open(new Vault(rot13).seal('s'))).toThrow(/sealed by "other"/);
  });
});
