import { describe, expect, it } from 'vitest';
import { isPermissionAllowed, windowWebPreferences } from '../../../main/shell/window';

describe('windowWebPreferences', () => {
  it('has the Electron security defaults of DESIGN.md §7', () => {
    const prefs = windowWebPreferences('/app/dist/preload/index.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/dist/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });
  it('denies every permission by default', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'unknown']) {
      expect(isPermissionAllowed(p)).toBe(false);
    }
  });
});
