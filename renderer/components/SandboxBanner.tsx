// Under `npm run sandbox` every provider is a local simulation: say so on every page, always.
import { useAppInfo } from '../stores/app-info';

export function SandboxBanner() {
  const sandbox = useAppInfo((s) => s.info?.sandbox === true);
  if (!sandbox) return null;
  return (
    <div className="sandbox-banner" role="status">
      <strong>Sandbox — simulated providers.</strong>{' '}
      <span>Google, Microsoft, Zoom and Webex here are local simulations: nothing reaches a real account.</span>
    </div>
  );
}
