import type { IntegrationType, LogEntry, LogType, Page } from '../../shared/domain';
import type { ChannelParsed } from '../../shared/ipc/contract';
import { LogsRepo } from '../db/repos/logs';
import type { ServiceContext } from './context';
import { toLogEntry } from './mappers';

const DEFAULT_PAGE = 100;

export interface NewLogEntry {
  logType: LogType;
  message: string;
  success: boolean;
  /** Structured context. Callers must never put a token or secret here. */
  details?: unknown;
  bookingId?: string | null;
  integrationType?: IntegrationType | null;
  integrationId?: string | null;
}

export class LogsService {
  readonly #repo: LogsRepo;

  constructor(private readonly ctx: ServiceContext) {
    this.#repo = new LogsRepo(ctx.db);
  }

  /** Writes a log entry and pushes it as `log:appended`. */
  async append(entry: NewLogEntry): Promise<LogEntry> {
    const row = await this.#repo.insert({
      organizer_id: this.ctx.organizerId,
      log_type: entry.logType,
      message: entry.message,
      success: entry.success ? 1 : 0,
      details: entry.details === undefined ? null : JSON.stringify(entry.details),
      booking_id: entry.bookingId ?? null,
      integration_type: entry.integrationType ?? null,
      integration_id: entry.integrationId ?? null,
      created_at: this.ctx.clock.now(),
    });
    const log = toLogEntry(row);
    this.ctx.pushes.emit('log:appended', log);
    return log;
  }

  async list(q: ChannelParsed<'logs:list'>): Promise<Page<LogEntry>> {
    const { rows, nextCursor } = await this.#repo.list({ ...q, organizerId: this.ctx.organizerId, limit: q.limit ?? DEFAULT_PAGE });
    return { items: rows.map(toLogEntry), nextCursor };
  }
}
