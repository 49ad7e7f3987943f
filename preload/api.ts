// window.junction as preload builds it, over an injected transport (ipcRenderer in preload/index.ts, a fake in
// tests). Channels and pushes outside the allow-list never reach the transport.
import type { Envelope } from '../shared/errors';
import type { JunctionApi } from '../shared/ipc/api';
import { isForwardedChannel, isForwardedPush } from './allow-list';

export interface PreloadTransport {
  invoke(channel: string, input: unknown): Promise<unknown>;
  subscribe(name: string, listener: (payload: unknown) => void): () => void;
}

function failure(code: 'VALIDATION' | 'INTERNAL', message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

export function createPreloadApi(transport: PreloadTransport): JunctionApi {
  const api = {
    async invoke(channel: unknown, input: unknown): Promise<Envelope<unknown>> {
      if (!isForwardedChannel(channel)) {
        return failure('VALIDATION', `"${String(channel).slice(0, 100)}" is not a Junction channel.`);
      }
      try {
        return (await transport.invoke(channel, input)) as Envelope<unknown>;
      } catch {
        return failure('INTERNAL', 'The request could not reach Junction’s main process.');
      }
    },
    on(name: unknown, listener: unknown): () => void {
      if (!isForwardedPush(name) || typeof listener !== 'function') return () => undefined;
      return transport.subscribe(name, (payload) => (listener as (p: unknown) => void)(payload));
    },
  };
  return api as JunctionApi;
}
