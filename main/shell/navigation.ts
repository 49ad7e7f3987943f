// Navigation guard and IPC sender check for the Electron window. Pure, unit-tested.
import { APP_HOST, APP_SCHEME } from './app-protocol';

function isAppOrigin(url: string | null | undefined): boolean {
  if (typeof url !== 'string' || url.length === 0) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** The window may only navigate within app://junction; anything else (http, file, other schemes) is denied. */
export function isAllowedNavigation(url: string): boolean {
  return isAppOrigin(url);
}

/** An IPC call is trusted only when it comes from a frame showing our own renderer. */
export function isTrustedSender(frameUrl: string | null | undefined): boolean {
  return isAppOrigin(frameUrl);
}

/** window.open and target=_blank never open a window from the renderer. */
export function windowOpenDecision(_url: string): { action: 'deny' } {
  return { action: 'deny' };
}
