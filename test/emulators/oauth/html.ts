// The consent and error pages. Plain HTML, no script, so that Playwright and a Node fetch drive them alike.
import type { PageError } from './flavors';
import type { EmulatorAccount } from './types';

export const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Words for the scopes Junction asks for; anything else is shown as is. */
const SCOPE_WORDS: Record<string, string> = {
  'https://www.googleapis.com/auth/calendar': 'See, edit, share, and permanently delete all the calendars you can access using Google Calendar',
  'https://www.googleapis.com/auth/calendar.events': 'View and edit events on all your calendars',
  'https://www.googleapis.com/auth/calendar.readonly': 'See and download any calendar you can access using your Google Calendar',
  openid: 'Associate you with your personal info',
  email: 'See your primary email address',
  'https://www.googleapis.com/auth/userinfo.email': 'See your primary email address',
  profile: 'See your personal info, including any personal info you have made publicly available',
  'https://www.googleapis.com/auth/userinfo.profile': 'See your personal info, including any personal info you have made publicly available',
  'Calendars.ReadWrite': 'Have full access to your calendars',
  'Calendars.Read': 'Read your calendars',
  'User.Read': 'Sign you in and read your profile',
  offline_access: 'Maintain access to data you have given it access to',
  'OnlineMeetings.ReadWrite': 'Read and create your online meetings',
  'meeting:write': 'Create and manage your meetings',
  'meeting:read': 'View your meetings',
  'user:read': 'View your user information',
  'meeting:schedules_read': 'Read your meeting schedules',
  'meeting:schedules_write': 'Create and manage your meeting schedules',
  'spark:people_read': 'Read your company directory',
};

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d1f23}
main{max-width:32rem;margin:3rem auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin:.2rem 0 1rem}.muted{color:#5f6368;font-size:.85rem}ul{list-style:none;padding:0}
li{margin:.5rem 0}label{display:flex;gap:.6rem;align-items:flex-start}code{font-size:.8rem;color:#5f6368}
.buttons{display:flex;gap:.8rem;justify-content:flex-end;margin-top:1.2rem}
button{font:inherit;padding:.5rem 1.3rem;border-radius:4px;border:1px solid #c4c7cc;background:#fff;cursor:pointer}
button[value=allow]{background:#1a73e8;border-color:#1a73e8;color:#fff}select{font:inherit;padding:.3rem}
.banner{background:#fff4ce;padding:.4rem .8rem;border-radius:4px;font-size:.8rem;margin-bottom:1rem}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${esc(title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>` +
    `<body>${body}</body></html>`;
}

export interface ConsentPageInput {
  provider: string;
  clientName: string;
  txn: string;
  action: string;
  scopes: Array<{ scope: string; fixed: boolean }>;
  accounts: EmulatorAccount[];
  selectedAccountId: string;
}

export function consentPage(i: ConsentPageInput): string {
  const items = i.scopes
    .map(({ scope, fixed }) => {
      const words = SCOPE_WORDS[scope] ?? scope;
      const text = `${esc(words)} <code>${esc(scope)}</code>`;
      return fixed
        ? `<li><input type="hidden" name="scope" value="${esc(scope)}" data-fixed="true">${text}</li>`
        : `<li><label><input type="checkbox" name="scope" value="${esc(scope)}" checked> <span>${text}</span></label></li>`;
    })
    .join('');
  const account =
    i.accounts.length > 1
      ? `<p><label for="account">Account</label> <select id="account" name="account">${i.accounts
          .map((a) => `<option value="${esc(a.id)}"${a.id === i.selectedAccountId ? ' selected' : ''}>${esc(a.name)} (${esc(a.email)})</option>`)
          .join('')}</select></p>`
      : `<input type="hidden" name="account" value="${esc(i.selectedAccountId)}">` +
        `<p class="muted">Signed in as ${esc(i.accounts.find((a) => a.id === i.selectedAccountId)?.email ?? '')}</p>`;
  return page(
    `Sign in with ${i.provider}`,
    `<main data-consent="true"><div class="banner">${esc(i.provider)} emulator: simulated provider</div>` +
      `<h1>${esc(i.clientName)} wants to access your ${esc(i.provider)} account</h1>` +
      `<form method="post" action="${esc(i.action)}"><input type="hidden" name="txn" value="${esc(i.txn)}">` +
      `${account}<p>This will allow ${esc(i.clientName)} to:</p><ul>${items}</ul>` +
      `<div class="buttons"><button type="submit" name="decision" value="deny">Deny</button>` +
      `<button type="submit" name="decision" value="allow">Allow</button></div></form></main>`,
  );
}

export function errorPage(provider: string, e: PageError): string {
  return page(
    e.title,
    `<main data-error-code="${esc(e.code)}"><div class="banner">${esc(provider)} emulator: simulated provider</div>` +
      `<h1>${esc(e.title)}</h1><p role="alert">${esc(e.message)}</p><p class="muted">Error: ${esc(e.code)}</p></main>`,
  );
}

/** What a Node test needs from a consent page (the helper in server.ts fills and posts it). */
export interface ParsedConsent {
  action: string;
  txn: string;
  fixedScopes: string[];
  optionalScopes: string[];
  accountIds: string[];
  selectedAccountId: string | null;
}

const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return m ? unesc(m[1] ?? '') : null;
};
const unesc = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export function parseConsentPage(html: string): ParsedConsent | null {
  const form = /<form\b[^>]*>/.exec(html)?.[0];
  if (!form || !html.includes('data-consent="true"')) return null;
  const inputs = html.match(/<input\b[^>]*>/g) ?? [];
  const options = html.match(/<option\b[^>]*>/g) ?? [];
  const out: ParsedConsent = { action: attr(form, 'action') ?? '', txn: '', fixedScopes: [], optionalScopes: [], accountIds: [], selectedAccountId: null };
  for (const tag of inputs) {
    const name = attr(tag, 'name');
    const value = attr(tag, 'value') ?? '';
    if (name === 'txn') out.txn = value;
    else if (name === 'scope') (tag.includes('data-fixed="true"') ? out.fixedScopes : out.optionalScopes).push(value);
    else if (name === 'account') {
      out.accountIds.push(value);
      out.selectedAccountId = value;
    }
  }
  for (const tag of options) {
    const v = attr(tag, 'value');
    if (v === null) continue;
    out.accountIds.push(v);
    if (/\bselected\b/.test(tag)) out.selectedAccountId = v;
  }
  return out;
}
