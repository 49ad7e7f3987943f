// Circuit breaker per provider, plugged into ProviderHttp's `hooks`: after N consecutive 5xx/network failures
// it refuses calls for a cool-down (measured on the injected clock), then lets ONE probe through (half-open)
// and closes on its success or re-opens on its failure. 4xx and 429 answers mean the provider is up.
import { AppError } from '../../../shared/errors';
import type { Clock } from '../../lib/clock';
import { providerLabel } from './errors';
import type { AttemptInfo, AttemptOutcome, ProviderHttpHooks } from './provider-http';

export interface CircuitBreakerOptions {
  clock: Clock;
  /** Consecutive failures that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long an open circuit refuses calls before a probe (default 60 s). */
  coolDownMs?: number;
  /** Told when a circuit opens or closes (logs, health). */
  onStateChange?: (provider: string, state: BreakerState) => void;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

interface Circuit {
  failures: number;
  openedAt: number | null;
  /** When the half-open probe was let through; a probe that never reports back is replaced after a cool-down. */
  probeAt: number | null;
}

export class CircuitBreaker implements ProviderHttpHooks {
  readonly #clock: Clock;
  readonly #threshold: number;
  readonly #coolDownMs: number;
  readonly #onStateChange: ((provider: string, state: BreakerState) => void) | undefined;
  readonly #circuits = new Map<string, Circuit>();

  constructor(opts: CircuitBreakerOptions) {
    this.#clock = opts.clock;
    this.#threshold = Math.max(1, opts.failureThreshold ?? 5);
    this.#coolDownMs = Math.max(1, opts.coolDownMs ?? 60_000);
    this.#onStateChange = opts.onStateChange;
  }

  state(provider: string): BreakerState {
    const c = this.#circuits.get(provider);
    if (!c || c.openedAt === null) return 'closed';
    if (c.probeAt !== null) return 'half-open';
    return this.#clock.now() - c.openedAt >= this.#coolDownMs ? 'half-open' : 'open';
  }

  beforeRequest(info: AttemptInfo): void {
    const c = this.#circuits.get(info.provider);
    if (!c || c.openedAt === null) return;
    const now = this.#clock.now();
    const probeStale = c.probeAt !== null && now - c.probeAt >= this.#coolDownMs;
    if (now - c.openedAt >= this.#coolDownMs && (c.probeAt === null || probeStale)) {
      c.probeAt = now; // this attempt is the one probe
      this.#onStateChange?.(info.provider, 'half-open');
      return;
    }
    const waitMs = c.probeAt !== null ? this.#coolDownMs - (now - c.probeAt) : this.#coolDownMs - (now - c.openedAt);
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw new AppError(
      'PROVIDER_UNAVAILABLE',
      `${providerLabel(info.provider)} is failing; Junction paused calls for ${seconds} s.`,
      { provider: info.provider, operation: info.operation, reason: 'circuit_open', retryAfterMs: waitMs },
    );
  }

  afterResponse(info: AttemptInfo & AttemptOutcome): void {
    const failed = info.status === null || info.status >= 500;
    const c = this.#circuits.get(info.provider) ?? { failures: 0, openedAt: null, probeAt: null };
    this.#circuits.set(info.provider, c);
    if (!failed) {
      const wasOpen = c.openedAt !== null;
      c.failures = 0;
      c.openedAt = null;
      c.probeAt = null;
      if (wasOpen) this.#onStateChange?.(info.provider, 'closed');
      return;
    }
    c.failures++;
    if (c.probeAt !== null || (c.openedAt === null && c.failures >= this.#threshold)) {
      c.openedAt = this.#clock.now();
      c.probeAt = null;
      this.#onStateChange?.(info.provider, 'open');
    }
  }
}
