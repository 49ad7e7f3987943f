import { describe, expect, it } from 'vitest';
import { appDataDir } from '../../../main/host/app-data-dir';

describe('appDataDir', () => {
  it('Linux: $XDG_CONFIG_HOME/Junction, else ~/.config/Junction', () => {
    expect(appDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/x/cfg' }, home: '/home/u' })).toBe('/x/cfg/Junction');
    expect(appDataDir({ platform: 'linux', env: {}, home: '/home/u' })).toBe('/home/u/.config/Junction');
    expect(appDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '' }, home: '/home/u' })).toBe('/home/u/.config/Junction');
    // The XDG spec says a relative value is invalid and must be ignored.
    expect(appDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: 'rel' }, home: '/home/u' })).toBe('/home/u/.config/Junction');
    expect(appDataDir({ platform: 'freebsd', env: {}, home: '/home/u' })).toBe('/home/u/.config/Junction');
  });
  it('macOS: ~/Library/Application Support/Junction', () => {
    expect(appDataDir({ platform: 'darwin', env: { XDG_CONFIG_HOME: '/x' }, home: '/Users/u' })).toBe(
      '/Users/u/Library/Application Support/Junction',
    );
  });
  it('Windows: %APPDATA%\\Junction, else the roaming folder under the profile', () => {
    expect(appDataDir({ platform: 'win32', env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, home: 'C:\\Users\\u' })).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\Junction',
    );
    expect(appDataDir({ platform: 'win32', env: {}, home: 'C:\\Users\\u' })).toBe('C:\\Users\\u\\AppData\\Roaming\\Junction');
  });
});
