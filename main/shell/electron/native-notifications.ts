// The Electron binding of the NotificationPort: OS notifications through Electron's `Notification`.
import { Notification } from 'electron';
import type { AppNotification } from '../../../shared/domain';
import type { NotificationPort } from '../../services/notification-port';

export interface NativeNotificationOptions {
  /** Called when the person clicks the notification (e.g. focus the window and open `n.actionRoute`). */
  onClick?: (n: AppNotification) => void;
}

export function createNativeNotificationPort(opts: NativeNotificationOptions = {}): NotificationPort {
  // Electron may garbage-collect a shown Notification and drop its click event: hold it until it is closed.
  const live = new Set<Notification>();
  return {
    show(n) {
      if (!Notification.isSupported()) return;
      const native = new Notification({
        title: n.title,
        body: n.body,
        urgency: n.severity === 'error' ? 'critical' : 'normal',
      });
      live.add(native);
      const release = () => live.delete(native);
      native.on('click', () => {
        release();
        opts.onClick?.(n);
      });
      native.on('close', release);
      native.on('failed', release);
      native.show();
    },
  };
}
