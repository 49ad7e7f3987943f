// The token vault: the only way a secret enters or leaves a secret column.
import { type Cipher, TamperedSecretError } from './cipher';

declare const sealedBrand: unique symbol;
/** Ciphertext as stored in a secret column. Only the vault makes or opens one. */
export type Sealed = string & { readonly [sealedBrand]: true };

const VERSION = 'v1';

export class Vault {
  constructor(private readonly cipher: Cipher) {}

  seal(secret: string): Sealed {
    return `${VERSION}:${this.cipher.id}:${this.cipher.encrypt(secret)}` as Sealed;
  }

  open(sealed: Sealed): string {
    const [version, cipherId, ...rest] = sealed.split(':');
    if (version !== VERSION || rest.length === 0) throw new TamperedSecretError('unknown format');
    if (cipherId !== this.cipher.id) {
      throw new TamperedSecretError(`sealed by "${cipherId}", this host uses "${this.cipher.id}"`);
    }
    return this.cipher.decrypt(rest.join(':'));
  }
}
