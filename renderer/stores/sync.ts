// Live sync progress from the `sync:progress` push, per calendar integration.
import { create } from 'zustand';
import type { SyncProgress } from '../../shared/ipc/push';

export interface ProgressEntry extends SyncProgress {
  at: number;
}

interface SyncState {
  progress: Record<string, ProgressEntry>;
  /** Integrations whose Sync now was clicked and whose first push has not arrived yet. */
  requested: Record<string, boolean>;
  apply: (p: SyncProgress) => void;
  request: (id: string, on: boolean) => void;
}

export const useSync = create<SyncState>()((set) => ({
  progress: {},
  requested: {},
  apply: (p) =>
    set((s) => ({
      progress: { ...s.progress, [p.integrationId]: { ...p, at: Date.now() } },
      requested: { ...s.requested, [p.integrationId]: false },
    })),
  request: (id, on) => set((s) => ({ requested: { ...s.requested, [id]: on } })),
}));

export type IndicatorState = 'idle' | 'syncing' | 'error';

export function indicatorState(progress: Record<string, ProgressEntry>, requested: Record<string, boolean>, failingCalendars: number): IndicatorState {
  const entries = Object.values(progress);
  if (entries.some((p) => p.state === 'running') || Object.values(requested).some(Boolean)) return 'syncing';
  if (failingCalendars > 0 || entries.some((p) => p.state === 'failed')) return 'error';
  return 'idle';
}
