// Webhook management (issue 5 item 1): create, read, update, delete, secret rotation and explicit reveal.
// Secrets are stored sealed by the vault, shown once on creation, masked in every view, never logged.
import { randomUUID } from 'node:crypto';
import { WEBHOOK_STATS_WINDOW_DAYS, type WebhookCreated, type WebhookSecretRotated, type WebhookStats, type WebhookView } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import type { ChannelParsed } from '../../shared/ipc/contract';
import { WebhookStatsRepo, type WebhookStatsRow } from '../db/repos/webhook-stats';
import { WebhooksRepo } from '../db/repos/webhooks';
import type { WebhookIntegrationRow } from '../db/schema';
import type { Vault } from '../secrets/vault';
import { generateWebhookSecret } from '../webhooks/signing';
import { checkWebhookTarget, type WebhookLookup } from '../webhooks/ssrf';
import type { ServiceContext } from './context';
import { toWebhookView } from './mappers';

export interface WebhooksServiceOptions {
  /** DNS resolution for the SSRF check (default node:dns). */
  lookup?: WebhookLookup | undefined;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const SECRET_PREFIX = 'whsec_';

/** `whsec_…abcd`: enough to tell secrets apart, nothing to sign with. */
export function maskWebhookSecret(secret: string): string {
  return `${SECRET_PREFIX}…${secret.slice(-4)}`;
}

export class WebhooksService {
  readonly #repo: WebhooksRepo;
  readonly #stats: WebhookStatsRepo;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly vault: Vault,
    private readonly options: WebhooksServiceOptions = {},
  ) {
    this.#repo = new WebhooksRepo(ctx.db);
    this.#stats = new WebhookStatsRepo(ctx.db);
  }

  /** Every webhook with its delivery figures (two queries whatever the number of webhooks). */
  async list(): Promise<WebhookView[]> {
    const rows = await this.#repo.list(this.ctx.organizerId);
    const stats = await this.#stats.forOrganizer(this.ctx.organizerId, this.#statsSince());
    return rows.map((r) => this.#withStats(r, stats.get(r.id)));
  }

  async get({ id }: ChannelParsed<'webhooks:get'>): Promise<WebhookView> {
    return this.#viewWithStats(await this.#require(id));
  }

  async create(input: ChannelParsed<'webhooks:create'>): Promise<WebhookCreated> {
    await this.#checkTarget(input.url, input.allowLocalTargets);
    const now = this.ctx.clock.now();
    const secret = generateWebhookSecret();
    const row = await this.#repo.insert({
      id: randomUUID(),
      organizer_id: this.ctx.organizerId,
      name: input.name,
      webhook_url: input.url,
      events: JSON.stringify(input.events),
      headers: JSON.stringify(input.headers),
      secret_key: this.vault.seal(secret),
      is_active: 1,
      retry_failed: input.retryFailed ? 1 : 0,
      max_retries: input.maxRetries,
      allow_local_targets: input.allowLocalTargets ? 1 : 0,
      previous_secret_key: null,
      previous_secret_expires_at: null,
      created_at: now,
      updated_at: now,
    });
    this.#changed(row.id, 'created');
    return { webhook: this.#withStats(row, undefined), secret };
  }

  async update(input: ChannelParsed<'webhooks:update'>): Promise<WebhookView> {
    const current = await this.#require(input.id);
    // The target is checked when it changes or the webhook is switched on; turning off, renaming or editing events
    // of a webhook whose host no longer resolves must still work (every attempt is checked again anyway).
    const targetChanged = input.url !== current.webhook_url || (input.allowLocalTargets ? 1 : 0) !== current.allow_local_targets;
    const switchedOn = input.isActive === true && current.is_active === 0;
    if (targetChanged || switchedOn) await this.#checkTarget(input.url, input.allowLocalTargets);
    await this.#repo.update(this.ctx.organizerId, input.id, {
      name: input.name,
      webhook_url: input.url,
      events: JSON.stringify(input.events),
      headers: JSON.stringify(input.headers),
      retry_failed: input.retryFailed ? 1 : 0,
      max_retries: input.maxRetries,
      allow_local_targets: input.allowLocalTargets ? 1 : 0,
      ...(input.isActive === undefined ? {} : { is_active: input.isActive ? 1 : 0 }),
      updated_at: this.ctx.clock.now(),
    });
    this.#changed(input.id, 'updated');
    return this.#viewWithStats(await this.#require(input.id));
  }

  async delete({ id }: ChannelParsed<'webhooks:delete'>): Promise<{ id: string }> {
    if ((await this.#repo.delete(this.ctx.organizerId, id)) === 0) throw this.#notFound(id);
    this.#changed(id, 'deleted');
    return { id };
  }

  /** A new secret; the old one keeps signing (sealed in previous_secret_key) until the grace period ends. */
  async rotateSecret({ id, graceHours }: ChannelParsed<'webhooks:rotateSecret'>): Promise<WebhookSecretRotated> {
    const now = this.ctx.clock.now();
    const secret = generateWebhookSecret();
    const previousExpiresAt = now + graceHours * HOUR_MS;
    await this.ctx.db.transaction().execute(async (trx) => {
      const repo = new WebhooksRepo(trx);
      const row = await repo.get(this.ctx.organizerId, id);
      if (!row) throw this.#notFound(id);
      await repo.update(this.ctx.organizerId, id, {
        previous_secret_key: row.secret_key,
        previous_secret_expires_at: previousExpiresAt,
        secret_key: this.vault.seal(secret),
        updated_at: now,
      });
    });
    return { secret, previousExpiresAt };
  }

  /** The explicit reveal action: the current secret, opened from the vault. */
  async revealSecret({ id }: ChannelParsed<'webhooks:revealSecret'>): Promise<{ secret: string }> {
    const row = await this.#require(id);
    return { secret: this.vault.open(row.secret_key) };
  }

  async #checkTarget(url: string, allowLocal: boolean): Promise<void> {
    // Throws AppError VALIDATION with details.reason when the target is refused.
    await checkWebhookTarget(url, { allowLocal, ...(this.options.lookup ? { lookup: this.options.lookup } : {}) });
  }

  async #require(id: string): Promise<WebhookIntegrationRow> {
    const row = await this.#repo.get(this.ctx.organizerId, id);
    if (!row) throw this.#notFound(id);
    return row;
  }

  #notFound(id: string): AppError {
    return new AppError('NOT_FOUND', 'That webhook no longer exists.', { id });
  }

  #view(row: WebhookIntegrationRow): WebhookView {
    let masked: string;
    try {
      masked = maskWebhookSecret(this.vault.open(row.secret_key));
    } catch {
      masked = `${SECRET_PREFIX}…????`; // unreadable ciphertext: still never show anything of it
    }
    return toWebhookView(row, masked);
  }

  #statsSince(): number {
    return this.ctx.clock.now() - WEBHOOK_STATS_WINDOW_DAYS * DAY_MS;
  }

  async #viewWithStats(row: WebhookIntegrationRow): Promise<WebhookView> {
    const stats = await this.#stats.forOrganizer(this.ctx.organizerId, this.#statsSince(), row.id);
    return this.#withStats(row, stats.get(row.id));
  }

  /** The view plus its figures; `s` undefined = no deliveries yet. */
  #withStats(row: WebhookIntegrationRow, s: WebhookStatsRow | undefined): WebhookView {
    const delivered = s?.delivered ?? 0;
    const failed = s?.failed ?? 0;
    const last = s?.last ?? null;
    const stats: WebhookStats = {
      windowDays: WEBHOOK_STATS_WINDOW_DAYS,
      delivered,
      failed,
      pending: s?.pending ?? 0,
      successRate: delivered + failed === 0 ? null : delivered / (delivered + failed),
      lastDelivery: last,
    };
    return { ...this.#view(row), stats, disabledReason: disabledReason(row) };
  }

  #changed(id: string, change: 'created' | 'updated' | 'deleted'): void {
    this.ctx.pushes.emit('integration:changed', { integrationType: 'webhook', id, provider: null, change });
  }
}

/** Why Junction turned the webhook off (410 Gone, or 5 days of failures): stored by the delivery worker, cleared on re-enable. */
function disabledReason(row: WebhookIntegrationRow): string | null {
  return row.is_active === 1 ? null : row.disabled_reason;
}
