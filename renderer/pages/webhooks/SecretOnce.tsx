// A signing secret in full, with Copy: after creation and after rotation (shown once), and on explicit Reveal.
import { useState, type ReactNode } from 'react';
import { Button } from '../../components/Button';

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** The secret on its own line, then Copy and any other actions (`children`) in one row. */
export function SecretValue({ secret, label, children }: { secret: string; label: string; children?: ReactNode }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  return (
    <div className="wh-secret-value">
      <code className="wh-secret-code" aria-label={label} tabIndex={0}>
        {secret}
      </code>
      <div className="wh-card-actions">
        <Button size="sm" onClick={() => void copy(secret).then((ok) => setCopied(ok ? 'yes' : 'failed'))}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </Button>
        {children}
      </div>
      {copied === 'failed' && (
        <p className="field-error wh-secret-copyfail" role="alert">
          Copying was not allowed here. Select the secret and copy it with the keyboard.
        </p>
      )}
    </div>
  );
}

/** The "copy it now" panel: the secret, and that it will not be shown again without an explicit Reveal. */
export function SecretOnce({ secret, heading, children }: { secret: string; heading: string; children?: ReactNode }) {
  return (
    <div className="wh-secret-once" role="status">
      <p className="strong">{heading}</p>
      <SecretValue secret={secret} label={heading} />
      <p className="small">
        Copy it into your receiver now: Junction shows it only this once. Later you can see it again only with Reveal on
        the webhook’s page. Receivers verify each delivery’s <code>webhook-signature</code> with it.
      </p>
      {children}
    </div>
  );
}
