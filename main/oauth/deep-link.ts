// junction://oauth/callback deep links: parsed with URL, accepted only in the one shape Junction issues, and
// queued until the window and core are ready (the OS may deliver the link before either exists).
export const DEEP_LINK_SCHEME = 'junction:';
export const CUSTOM_SCHEME_REDIRECT = 'junction://oauth/callback';

export type DeepLink = { kind: 'oauth-callback'; url: string };

/** The deep link Junction acts on, or null for anything else (which is ignored, never guessed at). */
export function parseDeepLink(raw: unknown): DeepLink | null {
  if (typeof raw !== 'string' || raw.length > 8192) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== DEEP_LINK_SCHEME || u.host !== 'oauth' || u.pathname !== '/callback') return null;
  if (u.username || u.password || u.hash) return null;
  if (!u.searchParams.get('state')) return null;
  return { kind: 'oauth-callback', url: u.href };
}

/** Finds the deep link among a second instance's command-line arguments (Windows/Linux deliver it there). */
export function deepLinkFromArgv(argv: readonly string[]): DeepLink | null {
  for (const a of argv) {
    const link = parseDeepLink(a);
    if (link) return link;
  }
  return null;
}

/** Holds deep links until a handler is attached, then delivers them in order. */
export class DeepLinkQueue {
  #queue: DeepLink[] = [];
  #handler: ((l: DeepLink) => void) | null = null;

  push(raw: unknown): boolean {
    const link = parseDeepLink(raw);
    if (!link) return false;
    if (this.#handler) this.#handler(link);
    else this.#queue.push(link);
    return true;
  }

  setHandler(handler: (l: DeepLink) => void): void {
    this.#handler = handler;
    const pending = this.#queue;
    this.#queue = [];
    for (const l of pending) handler(l);
  }

  get size(): number {
    return this.#queue.length;
  }
}
