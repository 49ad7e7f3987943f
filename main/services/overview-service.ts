import type { Overview } from '../../shared/domain';
import { BlockedTimesRepo } from '../db/repos/blocked-times';
import { BookingsRepo } from '../db/repos/bookings';
import { IntegrationsRepo } from '../db/repos/integrations';
import { LogsRepo } from '../db/repos/logs';
import type { ServiceContext } from './context';

const DAY = 24 * 60 * 60 * 1000;

export class OverviewService {
  constructor(private readonly ctx: ServiceContext) {}

  async get(): Promise<Overview> {
    const { db, organizerId } = this.ctx;
    const now = this.ctx.clock.now();
    const bookings = new BookingsRepo(db);
    const [byStatus, upcoming, blocks, integrations, logs] = await Promise.all([
      bookings.countByStatus(organizerId),
      bookings.countUpcoming(organizerId, now),
      new BlockedTimesRepo(db).countBySource(organizerId),
      new IntegrationsRepo(db).counts(organizerId),
      new LogsRepo(db).counts(organizerId, now - DAY),
    ]);
    return {
      bookings: { ...byStatus, upcoming },
      blockedTimes: blocks,
      integrations,
      logs: { total: logs.total, errorsLast24h: logs.errorsSince },
    };
  }
}
