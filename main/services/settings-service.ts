import type { ConflictPreference, Settings, Theme } from '../../shared/domain';
import { OrganizersRepo } from '../db/repos/organizers';
import { SettingsRepo } from '../db/repos/settings';
import type { ServiceContext } from './context';

export const SETTING_THEME = 'theme';
export const SETTING_SCHEDULER_PAUSED = 'scheduler.paused';
export const SETTING_CONFLICT_PREFERENCE = 'booking.conflictPreference';

export class SettingsService {
  readonly #organizers: OrganizersRepo;
  readonly #settings: SettingsRepo;
  readonly #listeners = new Set<(s: Settings) => void>();

  constructor(private readonly ctx: ServiceContext) {
    this.#organizers = new OrganizersRepo(ctx.db);
    this.#settings = new SettingsRepo(ctx.db);
  }

  async get(): Promise<Settings> {
    const org = await this.#organizers.getDefault();
    if (!org) throw new Error('The local organizer profile is missing');
    return {
      organizerName: org.name,
      organizerEmail: org.email,
      timeZone: org.time_zone,
      theme: (await this.#settings.get<Theme>(SETTING_THEME)) ?? 'system',
      conflictPreference: await this.conflictPreference(),
      schedulerPaused: (await this.#settings.get<boolean>(SETTING_SCHEDULER_PAUSED)) ?? false,
    };
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction().execute(async (trx) => {
      const organizers = new OrganizersRepo(trx);
      const settings = new SettingsRepo(trx);
      const orgPatch: { name?: string; email?: string | null; time_zone?: string } = {};
      if (patch.organizerName !== undefined) orgPatch.name = patch.organizerName;
      if (patch.organizerEmail !== undefined) orgPatch.email = patch.organizerEmail;
      if (patch.timeZone !== undefined) orgPatch.time_zone = patch.timeZone;
      if (Object.keys(orgPatch).length) await organizers.update(this.ctx.organizerId, orgPatch, now);
      if (patch.theme !== undefined) await settings.set(SETTING_THEME, patch.theme, now);
      if (patch.conflictPreference !== undefined) await settings.set(SETTING_CONFLICT_PREFERENCE, patch.conflictPreference, now);
      if (patch.schedulerPaused !== undefined) await settings.set(SETTING_SCHEDULER_PAUSED, patch.schedulerPaused, now);
    });
    const next = await this.get();
    for (const l of this.#listeners) l(next);
    return next;
  }

  /** Called after every successful update (the core wakes the scheduler on resume). */
  onChange(listener: (s: Settings) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Read by the scheduler before every pass: pausing is durable across restarts. */
  async isSchedulerPaused(): Promise<boolean> {
    return (await this.#settings.get<boolean>(SETTING_SCHEDULER_PAUSED)) ?? false;
  }

  /** Read before every booking write; 'warn' when never set. */
  async conflictPreference(): Promise<ConflictPreference> {
    return (await this.#settings.get<ConflictPreference>(SETTING_CONFLICT_PREFERENCE)) ?? 'warn';
  }
}
