// Every SQL statement of the scheduler, over the `jobs` table. Each write is a single statement, so it is
// atomic across processes sharing the database file (SQLite takes the write lock for the whole statement).
import { type Kysely, type Updateable, type UpdateObject, sql } from 'kysely';
import type { Database, JobRow, JobsTable, NewJobRow } from '../db/schema';

/** Identifies one claim of a job: a finished handler may only record its result while it still holds it. */
export interface LeaseFence {
  id: number;
  workerId: string;
  /** The attempt number set by the claim; a re-claim (after the lease expired) increments it. */
  attempt: number;
}

export interface JobCounts {
  queued: number;
  running: number;
  done: number;
  failed: number;
}

export type FailedJob = Pick<
  JobRow,
  'id' | 'type' | 'attempts' | 'max_attempts' | 'last_error' | 'created_at' | 'finished_at' | 'unique_key'
>;

export class JobsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts a job; null when an unfinished job holds the same unique key (the partial unique index). */
  async insert(row: NewJobRow): Promise<number | null> {
    const r = await this.db
      .insertInto('jobs')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    return r?.id ?? null;
  }

  async findOpenByUniqueKey(key: string): Promise<JobRow | undefined> {
    return this.db
      .selectFrom('jobs')
      .selectAll()
      .where('unique_key', '=', key)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
  }

  async get(id: number): Promise<JobRow | undefined> {
    return this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async update(id: number, patch: Updateable<JobsTable>): Promise<void> {
    await this.db.updateTable('jobs').set(patch).where('id', '=', id).execute();
  }

  /**
   * Claims up to `limit` due jobs in one UPDATE … RETURNING: queued jobs whose run_at has come, and running
   * jobs whose lease ran out (their worker died). Claiming increments `attempts`.
   */
  async claim(args: {
    now: number;
    leaseUntil: number;
    workerId: string;
    limit: number;
    exclude?: Iterable<number>;
  }): Promise<JobRow[]> {
    const exclude = [...(args.exclude ?? [])];
    const rows = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        attempts: eb('attempts', '+', 1),
        lease_until: args.leaseUntil,
        leased_by: args.workerId,
        updated_at: args.now,
      }))
      .where('id', 'in', (eb) => {
        let q = eb
          .selectFrom('jobs')
          .select('id')
          .where((w) =>
            w.or([
              w.and([w('status', '=', 'queued'), w('run_at', '<=', args.now)]),
              w.and([
                w('status', '=', 'running'),
                w.or([w('lease_until', 'is', null), w('lease_until', '<', args.now)]),
              ]),
            ]),
          );
        if (exclude.length > 0) q = q.where('id', 'not in', exclude);
        return q.orderBy('run_at').orderBy('id').limit(args.limit);
      })
      .returningAll()
      .execute();
    // RETURNING has no defined order.
    return rows.sort((a, b) => a.run_at - b.run_at || a.id - b.id);
  }

  /** Applies `patch` only while the fence still holds the lease; false when another claim took the job. */
  async #fenced(fence: LeaseFence, patch: UpdateObject<Database, 'jobs'>): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set(patch)
      .where('id', '=', fence.id)
      .where('status', '=', 'running')
      .where('leased_by', '=', fence.workerId)
      .where('attempts', '=', fence.attempt)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async renewLease(fence: LeaseFence, leaseUntil: number, now: number): Promise<boolean> {
    return this.#fenced(fence, { lease_until: leaseUntil, updated_at: now });
  }

  /**
   * Records the end of a run. A recurring job (interval_ms set, read at this moment so that a schedule
   * changed or removed meanwhile is respected) goes back to the queue at now + interval with attempts reset;
   * any other job becomes `outcome`. A failed job keeps at most max_attempts attempts.
   */
  async settle(
    fence: LeaseFence,
    args: { now: number; outcome: 'done' | 'failed'; lastError: string | null },
  ): Promise<boolean> {
    const { now, outcome, lastError } = args;
    const once = sql<boolean>`interval_ms IS NULL`;
    return this.#fenced(fence, {
      status: sql<string>`CASE WHEN ${once} THEN ${outcome} ELSE 'queued' END`,
      run_at: sql<number>`CASE WHEN ${once} THEN run_at ELSE ${now} + interval_ms END`,
      attempts: sql<number>`CASE WHEN ${once} THEN MIN(attempts, max_attempts) ELSE 0 END`,
      leased_by: sql<string | null>`CASE WHEN ${once} THEN leased_by ELSE NULL END`,
      lease_until: null,
      last_error: lastError,
      finished_at: now,
      updated_at: now,
    });
  }

  /** Records that a failed attempt will be retried at `runAt`. */
  async retry(fence: LeaseFence, args: { now: number; runAt: number; lastError: string }): Promise<boolean> {
    return this.#fenced(fence, {
      status: 'queued',
      run_at: args.runAt,
      last_error: args.lastError,
      lease_until: null,
      leased_by: null,
      updated_at: args.now,
    });
  }

  /** Makes a claimed recurring job an ordinary one, so that settle() ends it. */
  async dropInterval(fence: LeaseFence, now: number): Promise<boolean> {
    return this.#fenced(fence, { interval_ms: null, updated_at: now });
  }

  /** Gives a claimed job back untouched (the scheduler is stopping): the attempt does not count. */
  async release(fence: LeaseFence, now: number): Promise<boolean> {
    return this.#fenced(fence, {
      status: 'queued',
      attempts: fence.attempt - 1,
      lease_until: null,
      leased_by: null,
      updated_at: now,
    });
  }

  async counts(): Promise<JobCounts> {
    const rows = await this.db
      .selectFrom('jobs')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const out: JobCounts = { queued: 0, running: 0, done: 0, failed: 0 };
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }

  async listFailed(limit: number, type?: string): Promise<FailedJob[]> {
    let q = this.db
      .selectFrom('jobs')
      .select(['id', 'type', 'attempts', 'max_attempts', 'last_error', 'created_at', 'finished_at', 'unique_key'])
      .where('status', '=', 'failed');
    if (type !== undefined) q = q.where('type', '=', type);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }

  /** Puts a failed job back in the queue with fresh attempts; false when it is not failed or its key is taken. */
  async requeueFailed(id: number, now: number): Promise<boolean> {
    try {
      const r = await this.db
        .updateTable('jobs')
        .set({
          status: 'queued',
          attempts: 0,
          run_at: now,
          lease_until: null,
          leased_by: null,
          finished_at: null,
          updated_at: now,
        })
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /**
   * Ends a recurring schedule: a queued row is closed as done (kept, like every finished job) and a running
   * one loses its interval, so it finishes as an ordinary job. True when a schedule was found.
   */
  async removeSchedule(uniqueKey: string, now: number): Promise<boolean> {
    const queued = await this.db
      .updateTable('jobs')
      .set({ status: 'done', interval_ms: null, finished_at: now, updated_at: now })
      .where('unique_key', '=', uniqueKey)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    const running = await this.db
      .updateTable('jobs')
      .set({ interval_ms: null, updated_at: now })
      .where('unique_key', '=', uniqueKey)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return queued.numUpdatedRows + running.numUpdatedRows > 0n;
  }
}

export function isUniqueViolation(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    typeof err.code === 'string' &&
    err.code.startsWith('SQLITE_CONSTRAINT')
  );
}
