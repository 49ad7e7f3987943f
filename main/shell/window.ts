// The BrowserWindow's security-relevant settings (DESIGN.md §7). Pure: no Electron import, so it is unit-tested;
// main/index.ts passes the result to BrowserWindow, whose typings check it.

export interface JunctionWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
}

export function windowWebPreferences(preloadPath: string): JunctionWebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

/** Every permission (camera, notifications, geolocation, …) is refused until a feature needs one. */
export function isPermissionAllowed(_permission: string): boolean {
  return false;
}
