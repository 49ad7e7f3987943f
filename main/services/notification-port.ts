// Where a notification goes besides the in-app inbox: the Electron host binds this to native OS
// notifications (main/shell/electron/native-notifications.ts); Node hosts use the no-op port.
import type { AppNotification } from '../../shared/domain';

export interface NotificationPort {
  /** Shows the notification outside the app window. Must not throw for long; failures are swallowed. */
  show(n: AppNotification): void;
}

export const noopNotificationPort: NotificationPort = { show: () => undefined };
