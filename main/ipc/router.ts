// The IPC router: contract channel → handler. Validates every input with the contract's zod schema,
// answers unbuilt channels with NOT_IMPLEMENTED, and never throws: errors become envelopes.
import { AppError, type Envelope } from '../../shared/errors';
import { CHANNELS, contract, isChannel, type Channel, type ChannelOutput, type ChannelParsed } from '../../shared/ipc/contract';
import { toErrorBody } from './errors';

export type Handler<C extends Channel> = (input: ChannelParsed<C>) => Promise<ChannelOutput<C>>;
export type HandlerMap = { [C in Channel]?: Handler<C> };

/** Combines per-domain handler groups; a channel handled twice is a programming error. */
export function combineHandlers(...groups: HandlerMap[]): HandlerMap {
  const out: Record<string, unknown> = {};
  for (const group of groups) {
    for (const [name, handler] of Object.entries(group)) {
      if (name in out) throw new Error(`IPC channel "${name}" is handled twice`);
      out[name] = handler;
    }
  }
  return out as HandlerMap;
}

export interface RouterOptions {
  /** Called with unexpected errors (logged by the core; never shown raw to the user). */
  onInternalError?: (channel: string, err: unknown) => void;
}

export class Router {
  readonly #handlers: HandlerMap;

  constructor(
    handlers: HandlerMap,
    private readonly options: RouterOptions = {},
  ) {
    for (const name of Object.keys(handlers)) {
      if (!isChannel(name)) throw new Error(`IPC handler for "${name}", which the contract does not declare`);
      if (!contract[name].implemented) throw new Error(`IPC handler for "${name}", which the contract marks unbuilt`);
    }
    const missing = CHANNELS.filter((c) => contract[c].implemented && !handlers[c]);
    if (missing.length) throw new Error(`IPC channels without a handler: ${missing.join(', ')}`);
    this.#handlers = handlers;
  }

  /** Every channel this router answers (built or NOT_IMPLEMENTED): exactly the contract's. */
  get channels(): Channel[] {
    return [...CHANNELS];
  }

  async invoke(channel: string, input: unknown): Promise<Envelope<unknown>> {
    if (!isChannel(channel)) {
      return { ok: false, error: { code: 'NOT_FOUND', message: `Junction has no channel named "${channel.slice(0, 100)}".` } };
    }
    const spec = contract[channel];
    if (!spec.implemented) {
      return {
        ok: false,
        error: { code: 'NOT_IMPLEMENTED', message: `"${channel}" is not available in this version of Junction yet.` },
      };
    }
    try {
      const parsed: unknown = spec.input.parse(input ?? {});
      const handler = this.#handlers[channel] as ((i: unknown) => Promise<unknown>) | undefined;
      if (!handler) throw new AppError('NOT_IMPLEMENTED', `"${channel}" has no handler.`);
      return { ok: true, data: await handler(parsed) };
    } catch (err) {
      const { body, internal } = toErrorBody(err);
      if (internal) this.options.onInternalError?.(channel, err);
      return { ok: false, error: body };
    }
  }
}
