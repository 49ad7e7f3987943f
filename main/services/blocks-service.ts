import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors';
import type { BlockedTime, Page } from '../../shared/domain';
import type { ChannelParsed } from '../../shared/ipc/contract';
import { BlockedTimesRepo } from '../db/repos/blocked-times';
import type { ServiceContext } from './context';
import { toBlockedTime } from './mappers';

const DEFAULT_PAGE = 50;

/** Manual blocked times. Synced ones are written by calendar sync, never through these channels. */
export class BlocksService {
  readonly #repo: BlockedTimesRepo;

  constructor(private readonly ctx: ServiceContext) {
    this.#repo = new BlockedTimesRepo(ctx.db);
  }

  async list(q: ChannelParsed<'blocks:list'>): Promise<Page<BlockedTime>> {
    const { rows, nextCursor } = await this.#repo.list({ ...q, organizerId: this.ctx.organizerId, limit: q.limit ?? DEFAULT_PAGE });
    return { items: rows.map(toBlockedTime), nextCursor };
  }

  async create(input: ChannelParsed<'blocks:create'>): Promise<BlockedTime> {
    const now = this.ctx.clock.now();
    const row = await this.#repo.insert({
      id: randomUUID(),
      organizer_id: this.ctx.organizerId,
      source: 'manual',
      integration_id: null,
      external_id: null,
      external_calendar_id: null,
      title: input.title?.trim() || 'Blocked',
      start_utc: input.startUtc,
      end_utc: input.endUtc,
      time_zone: input.timeZone,
      all_day: input.allDay ? 1 : 0,
      busy: 1,
      created_at: now,
      updated_at: now,
    });
    return toBlockedTime(row);
  }

  async delete(input: ChannelParsed<'blocks:delete'>): Promise<{ id: string }> {
    const row = await this.#repo.get(input.id);
    if (!row || row.organizer_id !== this.ctx.organizerId) {
      throw new AppError('NOT_FOUND', 'That blocked time no longer exists.', { id: input.id });
    }
    if (row.source !== 'manual') {
      throw new AppError(
        'CONFLICT',
        'This busy time comes from a connected calendar; change it there and Junction will follow.',
        { id: input.id },
      );
    }
    await this.#repo.delete(input.id);
    return { id: input.id };
  }
}
