// Preload (sandboxed, bundled to CommonJS): exposes window.junction, forwarding contract channels only.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createPreloadApi } from './api';

const api = createPreloadApi({
  invoke: (channel, input) => ipcRenderer.invoke(channel, input),
  subscribe(name, listener) {
    // The IPC event object (with its sender) never reaches the page: only the payload does.
    const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(name, handler);
    return () => {
      ipcRenderer.removeListener(name, handler);
    };
  },
});

contextBridge.exposeInMainWorld('junction', api);
