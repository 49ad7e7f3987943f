// Where Junction keeps its data when no --data-dir is given: the OS's app-data folder. Pure, so it is tested
// for every platform on any platform. The Electron host points `userData` at the same folder.
import { posix, win32 } from 'node:path';

export const APP_FOLDER = 'Junction';

export interface PlatformFacts {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
}

export function appDataDir({ platform, env, home }: PlatformFacts, folder = APP_FOLDER): string {
  if (platform === 'win32') {
    const appData = env.APPDATA?.trim();
    return win32.join(appData ? appData : win32.join(home, 'AppData', 'Roaming'), folder);
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', folder);
  // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME?.trim();
  return posix.join(xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.config'), folder);
}
