// Everything that holds a timer, socket, listener or handle registers here; dispose() releases all of it.
export type Disposer = () => void | Promise<void>;

export class DisposableStore {
  #items: Disposer[] = [];
  #disposed = false;

  add(d: Disposer): Disposer {
    if (this.#disposed) {
      void d();
      return d;
    }
    this.#items.push(d);
    return d;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Disposes in reverse order of registration; every disposer runs even when one throws. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const errors: unknown[] = [];
    for (const d of this.#items.reverse()) {
      try {
        await d();
      } catch (e) {
        errors.push(e);
      }
    }
    this.#items = [];
    if (errors.length) throw new AggregateError(errors, 'dispose failed');
  }
}
