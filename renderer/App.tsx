import { useEffect, useState } from 'react';
import { RouterProvider } from 'react-router/dom';
import type { IntegrationChanged } from '../shared/ipc/push';
import { onPush } from './api/client';
import { PROVIDER_LABEL } from './pages/integrations/providers';
import { createRouter } from './routes';
import { useAppInfo } from './stores/app-info';
import { useSettings } from './stores/settings';
import { toast } from './stores/toasts';

/** Applies the theme setting; "system" leaves it to prefers-color-scheme. */
function useTheme() {
  const theme = useSettings((s) => s.settings?.theme ?? 'system');
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
}

const CHANGE_WORD: Record<IntegrationChanged['change'], string> = {
  created: 'connected',
  updated: 'updated',
  deleted: 'removed',
  disconnected: 'disconnected',
};

/** App-wide push notices. Holding this subscription also keeps the event stream open across pages. */
function usePushNotices() {
  useEffect(
    () =>
      onPush('integration:changed', (p) => {
        // Webhook pages confirm their own saves; a webhook turned off by Junction (410, 5 days failing) arrives
        // as a notification with what to do, so a second generic toast would only repeat it.
        if (p.integrationType === 'webhook') return;
        const what = p.provider ? PROVIDER_LABEL[p.provider] : `A ${p.integrationType} integration`;
        toast(`${what} was ${CHANGE_WORD[p.change]}.`, p.change === 'disconnected' ? 'danger' : 'info');
      }),
    [],
  );
}

export function App() {
  const [router] = useState(createRouter);
  const loadSettings = useSettings((s) => s.load);
  const loadAppInfo = useAppInfo((s) => s.load);
  useEffect(() => {
    void loadSettings();
    void loadAppInfo();
  }, [loadSettings, loadAppInfo]);
  useTheme();
  usePushNotices();
  return <RouterProvider router={router} />;
}
