// Larm och krisläge: alerts (surges of flagged comments, identical answers,
// too many administrators …) to acknowledge, and the crisis switch that
// shortens the deadlines.
import { useState } from 'preact/hooks';
import { api, itemsOf } from '../api';
import { when } from '../fmt';
import type { Alert, Crisis } from '../types';
import { ActionMessages, Badge, Show, Title, useAction, useLoad, useSession } from '../ui';

const KIND: Record<string, string> = {
  surge: 'Många flaggade kommentarer',
  identical_answer: 'Identiska svar',
  too_many_admins: 'För många administratörer',
  crisis: 'Krisläge',
};

function detailText(d: unknown): string {
  if (d === null || d === undefined) return '';
  if (typeof d === 'string') return d;
  if (typeof d === 'object') {
    const o = d as Record<string, unknown>;
    if (typeof o.message === 'string') return o.message;
    return Object.entries(o)
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(', ');
  }
  return String(d);
}

export function Alerts() {
  const s = useSession();
  const [onlyOpen, setOnlyOpen] = useState(true);
  const alerts = useLoad(() => api.get<unknown>('/alerts', { open: onlyOpen ? 1 : undefined }).then(itemsOf<Alert>), [onlyOpen]);
  const crisis = useLoad(() => api.get<Crisis>('/crisis'), []);
  const a = useAction();
  return (
    <section>
      <Title>Larm och krisläge</Title>
      <section class="panel" aria-labelledby="crisis-h">
        <h2 id="crisis-h">Krisläge</h2>
        <Show l={crisis}>
          {(c) => (
            <>
              <p class="crisis-state">
                Krisläget är <strong>{c.on ? 'på' : 'av'}</strong>.{' '}
                {c.on ? 'Kortare svarstider och tätare bevakning gäller.' : 'Vanliga svarstider gäller.'}
              </p>
              {s.can('policy.write') && (
                <button
                  type="button"
                  class={c.on ? '' : 'danger'}
                  disabled={a.busy}
                  onClick={async () => {
                    if (await a.run(() => api.put('/crisis', { on: !c.on }), c.on ? 'Krisläget är avslutat.' : 'Krisläget är påslaget.')) {
                      crisis.reload();
                      s.refreshOrg();
                    }
                  }}
                >
                  {c.on ? 'Stäng av krisläget' : 'Slå på krisläget'}
                </button>
              )}
            </>
          )}
        </Show>
      </section>
      <h2>Larm</h2>
      <div class="filters">
        <div class="field check">
          <input id="alerts-open" type="checkbox" checked={onlyOpen} onChange={(e) => setOnlyOpen((e.target as HTMLInputElement).checked)} />
          <label for="alerts-open">Bara okvitterade</label>
        </div>
      </div>
      <ActionMessages a={a} />
      <Show l={alerts}>
        {(rows) => (
          <ol class="cards">
            {rows.length === 0 && <li>Inga larm.</li>}
            {rows.map((al) => (
              <li key={al.id} class="card">
                <div class="card-head">
                  <h3 class="card-title">
                    {KIND[al.kind] || al.kind} <span class="muted">{al.account || 'hela organisationen'}</span>
                  </h3>
                  {al.acknowledged_at ? <Badge kind="ok">Kvitterat</Badge> : <Badge kind="warn">Nytt</Badge>}
                </div>
                <p>{detailText(al.detail)}</p>
                <p class="muted">
                  {when(al.created_at)}
                  {al.acknowledged_by ? ` · kvitterat av ${al.acknowledged_by} ${when(al.acknowledged_at)}` : ''}
                </p>
                {!al.acknowledged_at && s.can('alert.work') && (
                  <button
                    type="button"
                    disabled={a.busy}
                    onClick={async () => {
                      if (await a.run(() => api.post(`/alerts/${al.id}/ack`, {}), 'Larmet är kvitterat.')) alerts.reload();
                    }}
                  >
                    Kvittera
                  </button>
                )}
              </li>
            ))}
          </ol>
        )}
      </Show>
    </section>
  );
}
