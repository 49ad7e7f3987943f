// The record of every provider call made through the shared HTTP layer (health metrics read it).
import type { Kysely } from 'kysely';
import type { ApiCallRow, Database } from '../schema';

export interface NewApiCall {
  provider: string;
  operation: string;
  integrationId: string | null;
  /** HTTP status, or null when no response arrived (timeout, connection refused). */
  status: number | null;
  errorCode: string | null;
  latencyMs: number;
  /** True when this attempt repeats an earlier one (retry after 429/5xx/network, or after a 401 refresh). */
  retried: boolean;
  createdAt: number;
}

export class ApiCallsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(call: NewApiCall): Promise<void> {
    await this.db
      .insertInto('api_calls')
      .values({
        provider: call.provider,
        operation: call.operation,
        integration_id: call.integrationId,
        status: call.status,
        error_code: call.errorCode,
        latency_ms: Math.max(0, Math.round(call.latencyMs)),
        retried: call.retried ? 1 : 0,
        created_at: call.createdAt,
      })
      .execute();
  }

  /** Calls in insertion order, optionally for one provider and/or since a time (oldest first). */
  async list(q: { provider?: string; since?: number; limit?: number } = {}): Promise<ApiCallRow[]> {
    let query = this.db.selectFrom('api_calls').selectAll();
    if (q.provider) query = query.where('provider', '=', q.provider);
    if (q.since !== undefined) query = query.where('created_at', '>=', q.since);
    return query
      .orderBy('id', 'asc')
      .limit(q.limit ?? 1000)
      .execute();
  }
}
