// What preload forwards: exactly the contract's channels and push names. No Electron import, so a test can
// prove contract = router = preload allow-list.
import { CHANNEL_NAMES, type ChannelName as Channel } from '../shared/ipc/channels';
import { PUSH_NAMES, type PushName } from '../shared/ipc/push';

export const PRELOAD_CHANNELS: readonly Channel[] = Object.freeze([...CHANNEL_NAMES]);
export const PRELOAD_PUSHES: readonly PushName[] = Object.freeze([...PUSH_NAMES]);

const channels = new Set<string>(PRELOAD_CHANNELS);
const pushes = new Set<string>(PRELOAD_PUSHES);

export function isForwardedChannel(name: unknown): name is Channel {
  return typeof name === 'string' && channels.has(name);
}

export function isForwardedPush(name: unknown): name is PushName {
  return typeof name === 'string' && pushes.has(name);
}
