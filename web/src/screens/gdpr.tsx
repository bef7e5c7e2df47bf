// GDPR-förfrågningar: the register of requests for an extract (art. 15) or an
// erasure (art. 17), each due one month after it came in (art. 12.3), the
// overdue marked; registering and closing one; and finding every place a
// person occurs. The extract and the erasure themselves are made by the
// archivist with the CLI (gdpr extract, gdpr erase).
import { useState } from 'preact/hooks';
import { api, itemsOf, nextOf } from '../api';
import { label, when } from '../fmt';
import type { GdprFound, GdprPlace, GdprRequest, GdprSubject } from '../types';
import { ActionMessages, Badge, ErrorBox, Link, Loading, Title, useAction, useLoad } from '../ui';

const KIND: Record<string, string> = {
  access: 'Registerutdrag (art. 15)',
  erasure: 'Radering (art. 17)',
};

const STATE: Record<string, string> = { open: 'Öppen', closed: 'Avslutad' };

const PLACE: Record<string, string> = {
  item: 'Inlägg eller kommentar',
  case: 'Ärende',
  question: 'Fråga i inkorgen',
  consent: 'Samtycke',
  mail: 'E-post',
  person: 'Personförteckningen',
  audit: 'Granskningsloggen',
  request: 'GDPR-förfrågan',
};

const HOW: Record<string, string> = {
  author: 'avsändaren',
  text: 'i texten',
  version: 'i en äldre version',
  email: 'e-post',
  phone: 'telefon',
  personnummer: 'personnummer',
  picture: 'på bild (samtycke)',
  name: 'namn',
  handle: 'användarnamn',
  item: 'via inlägget',
};

function how(v: string | string[]): string {
  return (Array.isArray(v) ? v : [v]).filter(Boolean).map((h) => label(HOW, h)).join(', ');
}

/** The identifiers that were given, "namn Olof Berg, e-post …". */
export function subjectText(s: GdprSubject): string {
  const parts: string[] = [];
  if (s.name) parts.push(s.name);
  if (s.email) parts.push(s.email);
  if (s.phone) parts.push(s.phone);
  if (s.handle) parts.push(`@${s.handle.replace(/^@/, '')}`);
  if (s.personnummer) parts.push(`personnummer ${s.personnummer}`);
  return parts.join(', ') || '–';
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function PlaceText({ p }: { p: GdprPlace }) {
  switch (p.kind) {
    case 'item':
      return (
        <>
          <Link href={`/trad/${p.id}`}>{str(p.account) || 'inlägg'}</Link> {when(str(p.created_at))}: <span class="muted">{str(p.author_name)}:</span> {str(p.text)}
        </>
      );
    case 'case':
      return <Link href={`/arenden/${p.id}`}>Ärende {p.id}</Link>;
    case 'question':
      return <Link href={`/trad/${str(p.item)}`}>Fråga {p.id}</Link>;
    case 'consent':
      return (
        <>
          <Link href={`/samtycken/${p.id}`}>{str(p.person_name)}</Link> ({str(p.as) || 'person'}, {str(p.valid_from)} – {str(p.valid_to) || 'tills vidare'})
        </>
      );
    case 'mail':
      return (
        <>
          {str(p.subject)} {when(str(p.created_at))}
        </>
      );
    case 'person':
      return (
        <>
          {str(p.name)} {str(p.email)} {str(p.title)}
        </>
      );
    case 'audit':
      return (
        <>
          {when(str(p.at))} {str(p.actor)}: <code>{str(p.action)}</code>
        </>
      );
    case 'request':
      return (
        <>
          Förfrågan {p.id}: {label(KIND, str(p.request_kind))}, inkom {str(p.received)}
        </>
      );
    default:
      return <>{p.id ?? p.seq}</>;
  }
}

export function Gdpr() {
  const [onlyOpen, setOnlyOpen] = useState(true);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useLoad(() => api.get<unknown>('/gdpr/requests', { open: onlyOpen ? 1 : undefined, cursor: cursor || undefined }), [onlyOpen, cursor]);
  const rows = itemsOf<GdprRequest>(list.data);
  const a = useAction();
  const [outcome, setOutcome] = useState<Record<number, string>>({});
  const [find, setFind] = useState<{ q: Record<string, string | number>; what: string } | null>(null);
  return (
    <section>
      <Title sub="Begäran om registerutdrag eller radering ska besvaras inom en månad från att den kom in (GDPR art. 12.3).">GDPR-förfrågningar</Title>
      <div class="filters">
        <div class="field check">
          <input
            id="gdpr-open"
            type="checkbox"
            checked={onlyOpen}
            onChange={(e) => {
              setCursor(null);
              setOnlyOpen((e.target as HTMLInputElement).checked);
            }}
          />
          <label for="gdpr-open">Bara öppna förfrågningar</label>
        </div>
      </div>
      {list.error && <ErrorBox>{list.error}</ErrorBox>}
      {list.loading && !list.data && <Loading />}
      <ActionMessages a={a} />
      {list.data && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
          <table>
            <caption class="sr-only">GDPR-förfrågningar</caption>
            <thead>
              <tr>
                <th scope="col">Förfrågan</th>
                <th scope="col">Person</th>
                <th scope="col">Inkom</th>
                <th scope="col">Ska besvaras senast</th>
                <th scope="col">Status</th>
                <th scope="col">Åtgärd</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} class={r.overdue ? 'overdue' : ''}>
                  <td>
                    {r.id}. {label(KIND, r.kind)}
                    {r.note && <div class="muted">{r.note}</div>}
                  </td>
                  <td>{subjectText(r.subject)}</td>
                  <td>{r.received}</td>
                  <td class={r.overdue ? 'danger' : ''}>
                    {when(r.due_at)}
                    {r.state === 'open' && !r.overdue && <div class="muted">{r.days_left} dagar kvar</div>}
                  </td>
                  <td>
                    {label(STATE, r.state)}
                    {r.overdue && (
                      <>
                        {' '}
                        <Badge kind="danger">Försenad</Badge>
                      </>
                    )}
                    {r.outcome && <div class="muted">{r.outcome}</div>}
                  </td>
                  <td>
                    <button type="button" class="link-button" onClick={() => setFind({ q: { request: r.id }, what: subjectText(r.subject) })}>
                      Var finns personen?<span class="sr-only"> Förfrågan {r.id}</span>
                    </button>
                    {r.state === 'open' && (
                      <form
                        class="inline-form"
                        onSubmit={async (e) => {
                          e.preventDefault();
                          const ok = await a.run(() => api.post(`/gdpr/requests/${r.id}/close`, { outcome: (outcome[r.id] || '').trim() }), `Förfrågan ${r.id} är avslutad.`);
                          if (ok) list.reload();
                        }}
                      >
                        <label class="sr-only" for={`gdpr-outcome-${r.id}`}>
                          Utfall för förfrågan {r.id}
                        </label>
                        <input id={`gdpr-outcome-${r.id}`} placeholder="Utfall" value={outcome[r.id] || ''} onInput={(e) => setOutcome({ ...outcome, [r.id]: (e.target as HTMLInputElement).value })} />
                        <button type="submit" disabled={a.busy || !(outcome[r.id] || '').trim()}>
                          Avsluta<span class="sr-only"> förfrågan {r.id}</span>
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p>Inga förfrågningar.</p>}
          {nextOf(list.data) && (
            <button type="button" onClick={() => setCursor(nextOf(list.data))}>
              Visa fler
            </button>
          )}
        </div>
      )}
      <AddRequest onAdded={list.reload} />
      <FindPerson asked={find} onAsk={setFind} />
    </section>
  );
}

const EMPTY = { kind: 'access', name: '', email: '', phone: '', handle: '', received: '', note: '' };

function AddRequest({ onAdded }: { onAdded: () => void }) {
  const [f, setF] = useState(EMPTY);
  const a = useAction();
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  return (
    <form
      class="panel"
      aria-labelledby="gdpr-add-h"
      onSubmit={async (e) => {
        e.preventDefault();
        const body: Record<string, string> = { kind: f.kind, received: f.received };
        for (const k of ['name', 'email', 'phone', 'handle', 'note'] as const) if (f[k].trim()) body[k] = f[k].trim();
        if (await a.run(() => api.post<GdprRequest>('/gdpr/requests', body), (r) => `Förfrågan ${(r as GdprRequest).id} är registrerad.`)) {
          setF(EMPTY);
          onAdded();
        }
      }}
    >
      <h2 id="gdpr-add-h">Registrera en förfrågan</h2>
      <div class="steps">
        <div class="field">
          <label for="gdpr-kind">Begäran</label>
          <select id="gdpr-kind" value={f.kind} onChange={set('kind')}>
            {Object.entries(KIND).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="gdpr-received">Inkom</label>
          <input id="gdpr-received" type="date" required value={f.received} onInput={set('received')} />
        </div>
        <div class="field">
          <label for="gdpr-name">Namn</label>
          <input id="gdpr-name" autoComplete="off" value={f.name} onInput={set('name')} />
        </div>
        <div class="field">
          <label for="gdpr-email">E-post</label>
          <input id="gdpr-email" type="email" autoComplete="off" value={f.email} onInput={set('email')} />
        </div>
        <div class="field">
          <label for="gdpr-phone">Telefon</label>
          <input id="gdpr-phone" type="tel" autoComplete="off" value={f.phone} onInput={set('phone')} />
        </div>
        <div class="field">
          <label for="gdpr-handle">Användarnamn på plattformen</label>
          <input id="gdpr-handle" autoComplete="off" value={f.handle} onInput={set('handle')} />
        </div>
        <div class="field">
          <label for="gdpr-note">Anteckning</label>
          <input id="gdpr-note" value={f.note} onInput={set('note')} />
        </div>
      </div>
      <p class="hint">Ange minst ett av namn, e-post, telefon och användarnamn.</p>
      <ActionMessages a={a} />
      <button type="submit" class="primary" disabled={a.busy || !f.received || !(f.name.trim() || f.email.trim() || f.phone.trim() || f.handle.trim())}>
        Registrera
      </button>
    </form>
  );
}

function FindPerson({ asked, onAsk }: { asked: { q: Record<string, string | number>; what: string } | null; onAsk: (v: { q: Record<string, string | number>; what: string }) => void }) {
  const [f, setF] = useState({ name: '', email: '', phone: '', handle: '' });
  const found = useLoad<GdprFound | null>(() => (asked ? api.get<GdprFound>('/gdpr/find', asked.q) : Promise.resolve(null)), [asked]);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  return (
    <section class="panel" aria-labelledby="gdpr-find-h">
      <h2 id="gdpr-find-h">Var finns personen?</h2>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const q: Record<string, string> = {};
          for (const k of ['name', 'email', 'phone', 'handle'] as const) if (f[k].trim()) q[k] = f[k].trim();
          onAsk({ q, what: subjectText({ name: q.name || null, email: q.email || null, phone: q.phone || null, handle: q.handle || null, personnummer: null }) });
        }}
      >
        <div class="field">
          <label for="find-name">Namn</label>
          <input id="find-name" autoComplete="off" value={f.name} onInput={set('name')} />
        </div>
        <div class="field">
          <label for="find-email">E-post</label>
          <input id="find-email" type="email" autoComplete="off" value={f.email} onInput={set('email')} />
        </div>
        <div class="field">
          <label for="find-phone">Telefon</label>
          <input id="find-phone" type="tel" autoComplete="off" value={f.phone} onInput={set('phone')} />
        </div>
        <div class="field">
          <label for="find-handle">Användarnamn</label>
          <input id="find-handle" autoComplete="off" value={f.handle} onInput={set('handle')} />
        </div>
        <button type="submit" disabled={!(f.name.trim() || f.email.trim() || f.phone.trim() || f.handle.trim())}>
          Sök personen
        </button>
      </form>
      {asked && found.error && <ErrorBox>{found.error}</ErrorBox>}
      {asked && found.loading && <Loading />}
      {asked && found.data && !found.loading && (
        <>
          <p role="status">
            {found.data.total} träffar för {asked.what}.
          </p>
          {found.data.places.length > 0 && (
            <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
              <table>
                <caption class="sr-only">Där personen förekommer</caption>
                <thead>
                  <tr>
                    <th scope="col">Var</th>
                    <th scope="col">Vad</th>
                    <th scope="col">Träff på</th>
                  </tr>
                </thead>
                <tbody>
                  {found.data.places.map((p, i) => (
                    <tr key={i}>
                      <td>{label(PLACE, p.kind)}</td>
                      <td class="clip">
                        <PlaceText p={p} />
                      </td>
                      <td>{how(p.how)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
