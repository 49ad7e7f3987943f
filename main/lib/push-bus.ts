// In-process fan-out of push events to whichever host is attached (Electron webContents or SSE clients).
import type { PushEvents, PushName } from '../../shared/ipc/push';

export type PushListener = <P extends PushName>(name: P, payload: PushEvents[P]) => void;

export class PushBus {
  #listeners = new Set<PushListener>();

  emit<P extends PushName>(name: P, payload: PushEvents[P]): void {
    for (const l of [...this.#listeners]) {
      try {
        l(name, payload);
      } catch {
        // A failing host must not break the service that emitted.
      }
    }
  }

  subscribe(listener: PushListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }

  clear(): void {
    this.#listeners.clear();
  }
}
