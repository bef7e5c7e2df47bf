// Utkast: posts written before they are published. The check runs the
// publishing checklist (length, "läs mer", personal data, screening, links,
// spelling, sender …) and asks the handbook's questions; a sensitive post
// needs a second reader; then it is published through the platform's API or
// recorded as published by hand.
import { useState } from 'preact/hooks';
import { api, itemsOf, nextOf } from '../api';
import { label, when } from '../fmt';
import type { Account, CheckPoint, Draft, DraftCheck } from '../types';
import { ActionMessages, Badge, ErrorBox, Link, Loading, Show, Title, navigate, useAction, useLoad } from '../ui';

const STATE: Record<string, string> = {
  draft: 'Utkast',
  publishing: 'Publiceras',
  published: 'Publicerat',
  cancelled: 'Avbrutet',
};

const POINT: Record<string, { text: string; kind: string }> = {
  ok: { text: 'Godkänt', kind: 'ok' },
  warning: { text: 'Varning', kind: 'warn' },
  manual: { text: 'Kontrollera själv', kind: 'info' },
  error: { text: 'Fel', kind: 'danger' },
};

const REVIEW: Record<string, string> = {
  none: 'Inte läst',
  approved: 'Godkänt',
  rejected: 'Avslaget',
};

function Ready({ d }: { d: { ready: boolean } }) {
  return d.ready ? <Badge kind="ok">Klart att publicera</Badge> : <Badge kind="warn">Inte klart</Badge>;
}

export function Drafts() {
  const [state, setState] = useState('draft');
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useLoad(() => api.get<unknown>('/drafts', { state: state || undefined, cursor: cursor || undefined }), [state, cursor]);
  const rows = itemsOf<Draft>(list.data);
  return (
    <section>
      <Title sub="Skriv inlägget, kontrollera det mot checklistan, låt en andra person läsa ett känsligt inlägg och publicera.">Utkast</Title>
      <div class="filters">
        <div class="field">
          <label for="drafts-state">Visa</label>
          <select
            id="drafts-state"
            value={state}
            onChange={(e) => {
              setCursor(null);
              setState((e.target as HTMLSelectElement).value);
            }}
          >
            <option value="">Alla</option>
            {Object.entries(STATE).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
      </div>
      {list.error && <ErrorBox>{list.error}</ErrorBox>}
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
          <table>
            <caption class="sr-only">Utkast</caption>
            <thead>
              <tr>
                <th scope="col">Utkast</th>
                <th scope="col">Konto</th>
                <th scope="col">Text</th>
                <th scope="col">Status</th>
                <th scope="col">Publiceras</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Link href={`/utkast/${d.id}`}>Utkast {d.id}</Link>
                  </td>
                  <td>{d.account}</td>
                  <td class="clip">{d.text}</td>
                  <td>
                    {label(STATE, d.state)} {d.state === 'draft' && <Ready d={d} />}
                  </td>
                  <td>{d.published ? when(d.published.at) : d.publish_at ? when(d.publish_at) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p>Inga utkast.</p>}
          {nextOf(list.data) && (
            <button type="button" onClick={() => setCursor(nextOf(list.data))}>
              Visa fler
            </button>
          )}
        </div>
      )}
      <AddDraft />
    </section>
  );
}

function AddDraft() {
  const accounts = useLoad(() => api.get<unknown>('/accounts', { limit: 500 }).then(itemsOf<Account>), []);
  const [f, setF] = useState({ account: '', text: '', at: '', shows_people: false, sensitive: false });
  const a = useAction();
  const usable = (accounts.data || []).filter((x) => x.status === 'active');
  const account = f.account || (usable[0] ? String(usable[0].id) : '');
  return (
    <form
      class="panel"
      aria-labelledby="draft-add-h"
      onSubmit={async (e) => {
        e.preventDefault();
        const body: Record<string, unknown> = { account, text: f.text, shows_people: f.shows_people, sensitive: f.sensitive };
        if (f.at) body.publish_at = new Date(f.at).toISOString();
        let made: Draft | null = null;
        if (await a.run(async () => (made = await api.post<Draft>('/drafts', body)))) navigate(`/utkast/${(made as Draft | null)?.id}`);
      }}
    >
      <h2 id="draft-add-h">Nytt utkast</h2>
      <div class="field">
        <label for="draft-account">Konto</label>
        <select id="draft-account" value={account} onChange={(e) => setF({ ...f, account: (e.target as HTMLSelectElement).value })}>
          {usable.map((x) => (
            <option key={x.id} value={String(x.id)}>
              {x.name || x.handle} ({x.platform})
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="draft-text">Text</label>
        <textarea id="draft-text" rows={5} required value={f.text} onInput={(e) => setF({ ...f, text: (e.target as HTMLTextAreaElement).value })} />
      </div>
      <div class="field">
        <label for="draft-at">Publicera vid</label>
        <span class="hint" id="draft-at-hint">
          Tomt: publiceras när du väljer det.
        </span>
        <input id="draft-at" type="datetime-local" aria-describedby="draft-at-hint" value={f.at} onInput={(e) => setF({ ...f, at: (e.target as HTMLInputElement).value })} />
      </div>
      <div class="field check">
        <input id="draft-people" type="checkbox" checked={f.shows_people} onChange={(e) => setF({ ...f, shows_people: (e.target as HTMLInputElement).checked })} />
        <label for="draft-people">Bilden eller filmen visar personer</label>
      </div>
      <div class="field check">
        <input id="draft-sensitive" type="checkbox" checked={f.sensitive} onChange={(e) => setF({ ...f, sensitive: (e.target as HTMLInputElement).checked })} />
        <label for="draft-sensitive">Känsligt inlägg (en andra person ska läsa)</label>
      </div>
      <p class="hint">Bilder och filmer läggs till med kanalvakt draft add --media.</p>
      <ActionMessages a={a} />
      <button type="submit" class="primary" disabled={a.busy || !f.text.trim() || !account}>
        Spara utkast
      </button>
    </form>
  );
}

function Points({ points }: { points: CheckPoint[] }) {
  return (
    <ul class="plain checklist" aria-label="Kontrollpunkter">
      {points.map((p) => {
        const st = POINT[p.status] || { text: p.status, kind: 'info' };
        return (
          <li key={p.key} class="check-item">
            <Badge kind={st.kind}>{st.text}</Badge> <strong>{p.title}</strong>: {p.detail}
          </li>
        );
      })}
    </ul>
  );
}

function Blocking({ list }: { list: string[] }) {
  if (list.length === 0) return <p>Inget hindrar publicering.</p>;
  return (
    <>
      <p>Det här hindrar publicering:</p>
      <ul>
        {list.map((b, i) => (
          <li key={i}>{b}</li>
        ))}
      </ul>
    </>
  );
}

export function DraftDetail({ id }: { id: string }) {
  const d = useLoad(() => api.get<Draft>(`/drafts/${encodeURIComponent(id)}`), [id]);
  const a = useAction();
  const [check, setCheck] = useState<DraftCheck | null>(null);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const [byHand, setByHand] = useState(false);
  const [platformId, setPlatformId] = useState('');

  const runCheck = async (dr: Draft) => {
    const body = Object.keys(answers).length ? { answers } : {};
    const ok = await a.run(async () => setCheck(await api.post<DraftCheck>(`/drafts/${dr.id}/check`, body)), 'Utkastet är kontrollerat.');
    if (ok) d.reload();
  };
  const act = async (fn: () => Promise<unknown>, ok: string) => {
    if (await a.run(fn, ok)) d.reload();
  };

  return (
    <section>
      <Show l={d}>
        {(dr) => {
          const open = dr.state === 'draft';
          const points = check && check.version === dr.version ? check.points : dr.check?.current ? dr.check.points : null;
          const questions = check && check.version === dr.version ? check.questions : null;
          return (
            <>
              <Title sub={`${dr.account} · skrivet av ${dr.created_by} ${when(dr.created_at)} · version ${dr.version}`}>Utkast {dr.id}</Title>
              <p class="badges">
                <Badge kind={open ? 'info' : dr.state === 'published' ? 'ok' : 'warn'}>{label(STATE, dr.state)}</Badge>
                {open && <Ready d={dr} />}
                {dr.flagged && <Badge kind="flag">Flaggat av granskningen</Badge>}
                {dr.needs_second_reader && <Badge kind="warn">Känsligt: en andra läsare krävs</Badge>}
              </p>
              <p class="item-text">{dr.text}</p>
              <dl class="meta">
                <div>
                  <dt>Publiceras</dt>
                  <dd>{dr.publish_at ? when(dr.publish_at) : 'när du väljer det'}</dd>
                </div>
                <div>
                  <dt>Bilder och filmer</dt>
                  <dd>{dr.media.length ? dr.media.map((m) => m.name).join(', ') : 'inga'}</dd>
                </div>
                <div>
                  <dt>Andra läsare</dt>
                  <dd>
                    {label(REVIEW, dr.review.state)}
                    {dr.review.by ? ` av ${dr.review.by} ${when(dr.review.at)}` : ''}
                    {dr.review.reason ? ` – ${dr.review.reason}` : ''}
                  </dd>
                </div>
                {dr.published && (
                  <div>
                    <dt>Publicerat</dt>
                    <dd>
                      {when(dr.published.at)} av {dr.published.by} {dr.published.via === 'api' ? 'via plattformens API' : 'för hand'}
                      {dr.published.item ? (
                        <>
                          {' '}
                          <Link href={`/trad/${dr.published.item}`}>Visa i tråden</Link>
                        </>
                      ) : null}
                    </dd>
                  </div>
                )}
                {dr.publish_error && (
                  <div>
                    <dt>Fel vid publicering</dt>
                    <dd class="danger">{dr.publish_error}</dd>
                  </div>
                )}
              </dl>
              <ActionMessages a={a} />
              {open && (
                <section class="panel" aria-labelledby="draft-check-h">
                  <h2 id="draft-check-h">Checklista</h2>
                  {points ? <Points points={points} /> : <p>Utkastet är inte kontrollerat i den här versionen.</p>}
                  {questions && (
                    <fieldset>
                      <legend>Frågor att besvara</legend>
                      {questions.map((q) => (
                        <div class="field" key={q.key}>
                          <span id={`q-${q.key}`}>{q.question}</span>
                          {q.automatic ? (
                            <p class="muted">Besvaras av kontrollen: {q.answer === 'yes' ? 'ja' : q.answer === 'no' ? 'nej' : '–'}</p>
                          ) : (
                            <div role="radiogroup" aria-labelledby={`q-${q.key}`} class="radio-row">
                              {(['yes', 'no'] as const).map((v) => (
                                <span class="radio" key={v}>
                                  <input
                                    type="radio"
                                    id={`q-${q.key}-${v}`}
                                    name={`q-${q.key}`}
                                    value={v}
                                    checked={(answers[q.key] ?? q.answer) === v}
                                    onChange={() => setAnswers({ ...answers, [q.key]: v })}
                                  />
                                  <label for={`q-${q.key}-${v}`}>{v === 'yes' ? 'Ja' : 'Nej'}</label>
                                </span>
                              ))}
                            </div>
                          )}
                        </div>
                      ))}
                    </fieldset>
                  )}
                  <Blocking list={check && check.version === dr.version ? check.blocking : dr.blocking} />
                  <button type="button" class="primary" disabled={a.busy} onClick={() => runCheck(dr)}>
                    {questions ? 'Kontrollera med svaren' : 'Kontrollera'}
                  </button>
                </section>
              )}
              {open && dr.needs_second_reader && (
                <section class="panel" aria-labelledby="draft-review-h">
                  <h2 id="draft-review-h">Andra läsare</h2>
                  <p>Ett känsligt inlägg ska läsas av minst två personer, varav en ansvarig för kontot.</p>
                  <div class="field">
                    <label for="draft-review-reason">Kommentar</label>
                    <input id="draft-review-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
                  </div>
                  <div class="actions">
                    <button type="button" disabled={a.busy} onClick={() => act(() => api.post(`/drafts/${dr.id}/review`, reason.trim() ? { approve: true, reason: reason.trim() } : { approve: true }), 'Utkastet är godkänt.')}>
                      Godkänn
                    </button>
                    <button type="button" disabled={a.busy || !reason.trim()} onClick={() => act(() => api.post(`/drafts/${dr.id}/review`, { approve: false, reason: reason.trim() }), 'Utkastet är avslaget.')}>
                      Avslå
                    </button>
                  </div>
                </section>
              )}
              {open && (
                <form
                  class="panel"
                  aria-labelledby="draft-publish-h"
                  onSubmit={(e) => {
                    e.preventDefault();
                    const body: Record<string, unknown> = {};
                    if (byHand) body.by_hand = true;
                    if (byHand && platformId.trim()) body.platform_id = platformId.trim();
                    act(() => api.post(`/drafts/${dr.id}/publish`, body), byHand ? 'Registrerat som publicerat för hand.' : 'Inlägget är publicerat.');
                  }}
                >
                  <h2 id="draft-publish-h">Publicera</h2>
                  <div class="field check">
                    <input id="draft-hand" type="checkbox" checked={byHand} onChange={(e) => setByHand((e.target as HTMLInputElement).checked)} />
                    <label for="draft-hand">Publicerat för hand på plattformen</label>
                  </div>
                  {byHand && (
                    <div class="field">
                      <label for="draft-platform-id">Inläggets id på plattformen</label>
                      <input id="draft-platform-id" value={platformId} onInput={(e) => setPlatformId((e.target as HTMLInputElement).value)} />
                    </div>
                  )}
                  <button type="submit" class="primary" disabled={a.busy || !dr.ready}>
                    Publicera
                  </button>
                </form>
              )}
            </>
          );
        }}
      </Show>
    </section>
  );
}
