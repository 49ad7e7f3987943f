import { useEffect, type RefObject } from 'react';
import type { PushEvents, PushName } from '../../shared/ipc/push';
import { onPush } from '../api/client';
import { useSettings } from '../stores/settings';
import { systemZone } from './time';

/** The organizer's zone from settings, or the system's until settings have loaded. */
export function useOrganizerZone(): string {
  return useSettings((s) => s.settings?.timeZone) ?? systemZone();
}

/** Subscribes to a push for the component's lifetime. `listener` should be stable (a store action). */
export function usePush<P extends PushName>(name: P, listener: (payload: PushEvents[P]) => void): void {
  useEffect(() => onPush(name, listener), [name, listener]);
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Junction`;
  }, [title]);
}

/** After a failed submit, put the keyboard on the first field that needs attention. */
export function useFocusFirstInvalid(form: RefObject<HTMLFormElement | null>, errors: object, general?: string | null): void {
  useEffect(() => {
    if (Object.keys(errors).length === 0 && !general) return;
    const el = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.current?.querySelector<HTMLElement>('[role="alert"]');
    if (el && el.tabIndex < 0 && !el.matches('input, select, textarea')) el.tabIndex = -1;
    el?.focus();
  }, [form, errors, general]);
}
