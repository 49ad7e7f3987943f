// The bridge the renderer relies on: Electron's preload or the browser host's HTTP shim.
import type { JunctionApi } from '../shared/ipc/api';

declare global {
  interface Window {
    junction: JunctionApi;
  }
}

export {};
