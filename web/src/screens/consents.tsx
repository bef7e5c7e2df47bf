// Samtycken: the register of signed consents to pictures and film of a
// person (a guardian signs for a child). Which accounts each covers, from
// when to when, whether it is in force, and the own posts that use it.
// Withdrawing one opens a takedown case for every visible post that uses it.
import { useState } from 'preact/hooks';
import { api, itemsOf, nextOf } from '../api';
import { day, itemState, label, when } from '../fmt';
import type { Consent, ConsentPost, ConsentWithdrawn } from '../types';
import { ActionMessages, Badge, ErrorBox, Link, Loading, Show, Title, useAction, useLoad } from '../ui';

/** In force, withdrawn, expired, or not yet in force; with the badge's kind. */
export function consentStatus(c: Consent): { text: string; kind: string } {
  if (c.erased) return { text: 'Raderat', kind: 'info' };
  if (c.state === 'withdrawn') return { text: 'Återkallat', kind: 'danger' };
  if (c.expired) return { text: 'Utgånget', kind: 'warn' };
  if (c.active) return { text: 'Gäller', kind: 'ok' };
  return { text: 'Gäller ännu inte', kind: 'info' };
}

function period(c: Consent): string {
  return `${c.valid_from} – ${c.valid_to || 'tills vidare'}`;
}

export function Consents() {
  const [onlyActive, setOnlyActive] = useState(false);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useLoad(() => api.get<unknown>('/consents', { active: onlyActive ? 1 : undefined, cursor: cursor || undefined }), [onlyActive, cursor]);
  const rows = itemsOf<Consent>(list.data);
  return (
    <section>
      <Title sub="Underskrivna samtycken till bild och film. För barn skriver vårdnadshavaren under. Ett återkallat samtycke öppnar ett ärende för varje inlägg som använder det.">
        Samtycken
      </Title>
      <div class="filters">
        <div class="field check">
          <input
            id="consents-active"
            type="checkbox"
            checked={onlyActive}
            onChange={(e) => {
              setCursor(null);
              setOnlyActive((e.target as HTMLInputElement).checked);
            }}
          />
          <label for="consents-active">Bara samtycken som gäller i dag</label>
        </div>
      </div>
      {list.error && <ErrorBox>{list.error}</ErrorBox>}
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
          <table>
            <caption class="sr-only">Samtycken</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Vårdnadshavare</th>
                <th scope="col">Konton</th>
                <th scope="col">Gäller</th>
                <th scope="col">Status</th>
                <th scope="col">Inlägg</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => {
                const st = consentStatus(c);
                return (
                  <tr key={c.id}>
                    <td>
                      <Link href={`/samtycken/${c.id}`}>{c.person_name}</Link>
                      {c.birth_date && <div class="muted">född {c.birth_date}</div>}
                    </td>
                    <td>{c.guardian || '–'}</td>
                    <td>{c.scope.join(', ')}</td>
                    <td>{period(c)}</td>
                    <td>
                      <Badge kind={st.kind}>{st.text}</Badge>
                    </td>
                    <td>{c.posts}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {rows.length === 0 && <p>Inga samtycken.</p>}
          {nextOf(list.data) && (
            <button type="button" onClick={() => setCursor(nextOf(list.data))}>
              Visa fler
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function PostTable({ posts, caption }: { posts: ConsentPost[]; caption: string }) {
  if (posts.length === 0) return <p>Inga inlägg använder samtycket.</p>;
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Inlägg</th>
            <th scope="col">Konto</th>
            <th scope="col">Status</th>
            <th scope="col">Ärende</th>
          </tr>
        </thead>
        <tbody>
          {posts.map((p) => (
            <tr key={p.item}>
              <td>{p.captured ? <Link href={`/trad/${p.item}`}>{p.platform_id || `Inlägg ${p.item}`}</Link> : `Inlägg ${p.item} (inte hämtat)`}</td>
              <td>{p.account || '–'}</td>
              <td>{label(itemState, p.state)}</td>
              <td>
                {p.case ? (
                  <>
                    <Link href={`/arenden/${p.case}`}>Ärende {p.case}</Link>
                    {p.case_opened && (
                      <>
                        {' '}
                        <Badge kind="warn">Nytt</Badge>
                      </>
                    )}
                  </>
                ) : (
                  '–'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ConsentDetail({ id }: { id: string }) {
  const c = useLoad(() => api.get<Consent>(`/consents/${encodeURIComponent(id)}`), [id]);
  const a = useAction();
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<ConsentWithdrawn | null>(null);
  return (
    <section>
      <Show l={c}>
        {(cs) => {
          const st = consentStatus(cs);
          return (
            <>
              <Title sub={`Samtycke ${cs.id} · registrerat av ${cs.created_by} ${when(cs.created_at)}`}>{cs.person_name}</Title>
              <p class="badges">
                <Badge kind={st.kind}>{st.text}</Badge>
              </p>
              <dl class="meta">
                <div>
                  <dt>Född</dt>
                  <dd>{cs.birth_date || '–'}</dd>
                </div>
                <div>
                  <dt>Vårdnadshavare</dt>
                  <dd>{cs.guardian || '–'}</dd>
                </div>
                <div>
                  <dt>Konton</dt>
                  <dd>{cs.scope.join(', ')}</dd>
                </div>
                <div>
                  <dt>Gäller</dt>
                  <dd>{period(cs)}</dd>
                </div>
                <div>
                  <dt>Underskrivet dokument</dt>
                  <dd>
                    {cs.document.name || '–'} {cs.document.sha256 && <code class="hash">SHA-256 {cs.document.sha256}</code>}
                  </dd>
                </div>
                {cs.withdrawn_at && (
                  <div>
                    <dt>Återkallat</dt>
                    <dd>
                      av {cs.withdrawn_by} {day(cs.withdrawn_at)}
                      {cs.withdraw_reason ? ` – ${cs.withdraw_reason}` : ''}
                    </dd>
                  </div>
                )}
              </dl>
              <h2>Inlägg som använder samtycket</h2>
              <PostTable posts={cs.post_list || []} caption="Inlägg som använder samtycket" />
              <ActionMessages a={a} />
              {result && (
                <section class="panel" aria-labelledby="withdrawn-h">
                  <h2 id="withdrawn-h">Följder av återkallelsen</h2>
                  <p role="status">
                    {result.posts.length} inlägg använder samtycket; {result.cases_opened} ärenden om borttagning öppnades.
                  </p>
                  <PostTable posts={result.posts} caption="Inlägg och ärenden efter återkallelsen" />
                </section>
              )}
              {cs.state !== 'withdrawn' && !cs.erased && (
                <form
                  class="panel"
                  aria-labelledby="withdraw-h"
                  onSubmit={async (e) => {
                    e.preventDefault();
                    const ok = await a.run(async () => setResult(await api.post<ConsentWithdrawn>(`/consents/${cs.id}/withdraw`, { reason: reason.trim() })), 'Samtycket är återkallat.');
                    if (ok) c.reload();
                  }}
                >
                  <h2 id="withdraw-h">Återkalla samtycket</h2>
                  <p>Varje synligt inlägg som använder samtycket får ett ärende om borttagning.</p>
                  <div class="field">
                    <label for="withdraw-reason">Skäl</label>
                    <input id="withdraw-reason" required value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
                  </div>
                  <button type="submit" class="primary" disabled={a.busy || !reason.trim()}>
                    Återkalla
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
