// Electron's safeStorage as the vault's Cipher (Electron host only: this file imports electron).
// The sync API is used because the Cipher port is synchronous; Electron 45 marks it deprecated, not removed.
import { safeStorage } from 'electron';
import { StorageBackedCipher } from './storage-cipher';

export class SafeStorageCipher extends StorageBackedCipher {
  constructor() {
    super(safeStorage);
  }
}
