// The shape of `window.junction`, identical in the Electron host (preload) and the browser host (shim).
import type { Envelope } from '../errors';
import type { Channel, ChannelInput, ChannelOutput } from './contract';
import type { PushEvents, PushName } from './push';

export interface JunctionApi {
  invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<Envelope<ChannelOutput<C>>>;
  /** Subscribes to a push; returns the unsubscribe function. */
  on<P extends PushName>(name: P, listener: (payload: PushEvents[P]) => void): () => void;
}
