export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';
export const PAGE_SIZE = 50;
