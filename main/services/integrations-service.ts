import type { CalendarIntegrationView, VideoIntegrationView } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { IntegrationsRepo } from '../db/repos/integrations';
import type { ServiceContext } from './context';
import { markSyncError, markSyncSuccess, MAX_CONSECUTIVE_SYNC_ERRORS, type SyncState } from './integration-rules';
import { toCalendarView, toVideoView } from './mappers';

export class IntegrationsService {
  readonly #repo: IntegrationsRepo;

  constructor(private readonly ctx: ServiceContext) {
    this.#repo = new IntegrationsRepo(ctx.db);
  }

  async listCalendars(): Promise<CalendarIntegrationView[]> {
    return (await this.#repo.listCalendars(this.ctx.organizerId)).map(toCalendarView);
  }

  async listVideo(): Promise<VideoIntegrationView[]> {
    return (await this.#repo.listVideo(this.ctx.organizerId)).map(toVideoView);
  }

  /** Records a failed sync run; the fifth in a row disables sync. Emits `integration:changed`. */
  markSyncError(id: string): Promise<CalendarIntegrationView> {
    return this.#applySyncRule(id, markSyncError);
  }

  /** Records a successful sync run: error count reset, last sync set. Emits `integration:changed`. */
  markSyncSuccess(id: string): Promise<CalendarIntegrationView> {
    return this.#applySyncRule(id, (s) => markSyncSuccess(s, this.ctx.clock.now()));
  }

  async #applySyncRule(id: string, rule: (s: SyncState) => SyncState): Promise<CalendarIntegrationView> {
    const now = this.ctx.clock.now();
    // Read-modify-write in one transaction so concurrent runs cannot lose a count.
    const row = await this.ctx.db.transaction().execute(async (trx) => {
      const repo = new IntegrationsRepo(trx);
      const current = await repo.getCalendar(id);
      if (!current) throw new AppError('NOT_FOUND', 'That calendar connection no longer exists.', { id });
      const next = rule({
        syncErrors: current.sync_errors,
        syncEnabled: current.sync_enabled === 1,
        lastSyncAt: current.last_sync_at,
      });
      await repo.setSyncState(
        id,
        { sync_errors: next.syncErrors, sync_enabled: next.syncEnabled ? 1 : 0, last_sync_at: next.lastSyncAt },
        now,
      );
      return (await repo.getCalendar(id))!;
    });
    this.ctx.pushes.emit('integration:changed', {
      integrationType: 'calendar',
      id,
      provider: row.provider,
      change: 'updated',
    });
    return toCalendarView(row);
  }

  get maxConsecutiveSyncErrors(): number {
    return MAX_CONSECUTIVE_SYNC_ERRORS;
  }
}
