/** Port: turns secrets into opaque strings and back. Implementations must fail loudly on tampering. */
export interface Cipher {
  /** Short name stored as a prefix so a value sealed by one cipher is never fed to another. */
  readonly id: string;
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

export class TamperedSecretError extends Error {
  constructor(reason: string) {
    super(`A stored secret could not be decrypted (${reason}); it may have been tampered with or the key changed.`);
    this.name = 'TamperedSecretError';
  }
}
