// Styrdokument: the policy documents the kommun has adopted (riktlinjer for
// social media, the handbook …), who adopted them, when each must be
// reviewed next, the overdue and the soon-due marked; recording a review,
// retiring a document, naming the accounts it applies to.
import { useState } from 'preact/hooks';
import { api, itemsOf, nextOf } from '../api';
import type { Account, PolicyDoc } from '../types';
import { ActionMessages, Badge, ErrorBox, Loading, Title, useAction, useLoad, useSession } from '../ui';

/** Days left at which a review counts as soon due. */
const SOON_DAYS = 60;

function every(d: PolicyDoc): string {
  const m = d.review_every_months;
  if (!m) return 'på ett bestämt datum';
  if (m % 12 === 0) return m === 12 ? 'varje år' : `vart ${m / 12}:e år`;
  return `var ${m}:e månad`;
}

function DocCard({ d, canWrite, canApply, accounts, onChanged }: { d: PolicyDoc; canWrite: boolean; canApply: boolean; accounts: Account[]; onChanged: () => void }) {
  const a = useAction();
  const [on, setOn] = useState('');
  const [next, setNext] = useState('');
  const [account, setAccount] = useState('');
  const active = d.state === 'active';
  const soon = active && !d.overdue && d.days_left <= SOON_DAYS;
  const h = `doc-${d.id}-h`;
  const act = async (fn: () => Promise<unknown>, ok: string) => {
    if (await a.run(fn, ok)) onChanged();
  };
  const left = accounts.filter((x) => x.handle && !d.accounts.includes(x.handle));
  return (
    <li class={`card${d.overdue && active ? ' overdue' : ''}`} aria-labelledby={h}>
      <div class="card-head">
        <h2 id={h} class="card-title">
          {d.title}
        </h2>
        <span class="badges">
          {!active && <Badge>Upphävt</Badge>}
          {active && d.overdue && <Badge kind="danger">FÖRSENAD</Badge>}
          {soon && <Badge kind="warn">Snart dags för översyn</Badge>}
        </span>
      </div>
      <dl class="meta">
        <div>
          <dt>Antaget</dt>
          <dd>
            {d.adopted} av {d.by}
          </dd>
        </div>
        <div>
          <dt>Ses över</dt>
          <dd>{every(d)}</dd>
        </div>
        <div>
          <dt>Nästa översyn</dt>
          <dd class={d.overdue && active ? 'danger' : ''}>
            {d.next_review}
            {active && <span class="muted"> ({d.overdue ? `${-d.days_left} dagar sedan` : `om ${d.days_left} dagar`})</span>}
          </dd>
        </div>
        <div>
          <dt>Senast översett</dt>
          <dd>{d.last_review || '–'}</dd>
        </div>
        <div>
          <dt>Ansvarig</dt>
          <dd>{d.responsible || '–'}</dd>
        </div>
        <div>
          <dt>Gäller för konton</dt>
          <dd>{d.accounts.length ? d.accounts.join(', ') : 'inga angivna'}</dd>
        </div>
      </dl>
      <ActionMessages a={a} />
      {active && canWrite && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            act(() => api.post(`/policydocs/${d.id}/review`, next ? { on, next } : { on }), `Översynen av ${d.title} är registrerad.`);
          }}
        >
          <label for={`doc-${d.id}-on`}>Översett den</label>
          <input id={`doc-${d.id}-on`} type="date" required value={on} onInput={(e) => setOn((e.target as HTMLInputElement).value)} />
          <label for={`doc-${d.id}-next`}>Nästa översyn (valfritt)</label>
          <input id={`doc-${d.id}-next`} type="date" value={next} onInput={(e) => setNext((e.target as HTMLInputElement).value)} />
          <button type="submit" disabled={a.busy || !on}>
            Registrera översyn
          </button>
        </form>
      )}
      {active && (canWrite || canApply) && (
        <div class="actions">
          {canApply && left.length > 0 && (
            <form
              class="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                const acc = account || left[0].handle || '';
                act(() => api.post(`/policydocs/${d.id}/apply`, { account: acc }), `${d.title} gäller nu för ${acc}.`);
              }}
            >
              <label for={`doc-${d.id}-acc`}>Konto</label>
              <select id={`doc-${d.id}-acc`} value={account || left[0].handle || ''} onChange={(e) => setAccount((e.target as HTMLSelectElement).value)}>
                {left.map((x) => (
                  <option key={x.id} value={x.handle || ''}>
                    {x.name || x.handle}
                  </option>
                ))}
              </select>
              <button type="submit" disabled={a.busy}>
                Gäller för kontot
              </button>
            </form>
          )}
          {canWrite && (
            <button type="button" disabled={a.busy} onClick={() => act(() => api.post(`/policydocs/${d.id}/retire`, {}), `${d.title} är upphävt.`)}>
              Upphäv<span class="sr-only"> {d.title}</span>
            </button>
          )}
        </div>
      )}
    </li>
  );
}

export function PolicyDocs() {
  const s = useSession();
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useLoad(() => api.get<unknown>('/policydocs', { cursor: cursor || undefined }), [cursor]);
  const accounts = useLoad(() => api.get<unknown>('/accounts', { limit: 500 }).then(itemsOf<Account>), []);
  const docs = itemsOf<PolicyDoc>(list.data);
  const canWrite = s.can('policy.write');
  const canApply = s.can('register.write');
  return (
    <section>
      <Title sub={`Riktlinjer och handböcker som styr kommunens sociala medier, och när var och en ska ses över. Översyn inom ${SOON_DAYS} dagar markeras.`}>
        Styrdokument
      </Title>
      {list.error && <ErrorBox>{list.error}</ErrorBox>}
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <>
          <ol class="cards">
            {docs.map((d) => (
              <DocCard key={d.id} d={d} canWrite={canWrite} canApply={canApply} accounts={accounts.data || []} onChanged={list.reload} />
            ))}
          </ol>
          {docs.length === 0 && <p>Inga styrdokument.</p>}
          {nextOf(list.data) && (
            <button type="button" onClick={() => setCursor(nextOf(list.data))}>
              Visa fler
            </button>
          )}
        </>
      )}
      {canWrite && <AddDoc onAdded={list.reload} />}
    </section>
  );
}

const EMPTY = { title: '', adopted: '', by: '', every: '2y', review_on: '', responsible: '' };

function AddDoc({ onAdded }: { onAdded: () => void }) {
  const [f, setF] = useState(EMPTY);
  const a = useAction();
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  return (
    <form
      class="panel"
      aria-labelledby="doc-add-h"
      onSubmit={async (e) => {
        e.preventDefault();
        const body: Record<string, string> = { title: f.title.trim(), adopted: f.adopted, by: f.by.trim() };
        if (f.review_on) body.review_on = f.review_on;
        else body.review_every = f.every.trim();
        if (f.responsible.trim()) body.responsible = f.responsible.trim();
        if (await a.run(() => api.post('/policydocs', body), `${f.title.trim()} är registrerat.`)) {
          setF(EMPTY);
          onAdded();
        }
      }}
    >
      <h2 id="doc-add-h">Registrera ett styrdokument</h2>
      <div class="steps">
        <div class="field">
          <label for="doc-title">Titel</label>
          <input id="doc-title" required value={f.title} onInput={set('title')} />
        </div>
        <div class="field">
          <label for="doc-adopted">Antaget den</label>
          <input id="doc-adopted" type="date" required value={f.adopted} onInput={set('adopted')} />
        </div>
        <div class="field">
          <label for="doc-by">Antaget av</label>
          <input id="doc-by" required value={f.by} onInput={set('by')} />
        </div>
        <div class="field">
          <label for="doc-every">Ses över med intervall</label>
          <span class="hint" id="doc-every-hint">
            T.ex. 2y (vartannat år) eller 6m (var sjätte månad).
          </span>
          <input id="doc-every" aria-describedby="doc-every-hint" value={f.every} onInput={set('every')} />
        </div>
        <div class="field">
          <label for="doc-review-on">Eller ses över den</label>
          <input id="doc-review-on" type="date" value={f.review_on} onInput={set('review_on')} />
        </div>
        <div class="field">
          <label for="doc-responsible">Ansvarig (e-post)</label>
          <input id="doc-responsible" type="email" value={f.responsible} onInput={set('responsible')} />
        </div>
      </div>
      <ActionMessages a={a} />
      <button type="submit" class="primary" disabled={a.busy || !f.title.trim() || !f.adopted || !f.by.trim() || !(f.every.trim() || f.review_on)}>
        Registrera
      </button>
    </form>
  );
}
