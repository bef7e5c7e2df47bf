// Ärenden: moderation cases. Evidence is saved before anything is hidden or
// removed; a hide or remove waits for a second person when four eyes is on;
// a case can be registered (diarieförd) in the series or with an external
// reference.
import { useState } from 'preact/hooks';
import { api, itemsOf, nextOf } from '../api';
import { caseState, decisionLabel, label, when } from '../fmt';
import type { Case, CaseOutcome, ItemDetail } from '../types';
import {
  ActionMessages,
  Badge,
  Categories,
  ErrorBox,
  FlaggedText,
  Link,
  Loading,
  Show,
  Title,
  useAction,
  useLoad,
  useSession,
} from '../ui';

export function Cases() {
  const [onlyOpen, setOnlyOpen] = useState(true);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useLoad(() => api.get<unknown>('/cases', { open: onlyOpen ? 1 : undefined, cursor: cursor || undefined }), [onlyOpen, cursor]);
  const cases = itemsOf<Case>(list.data);
  return (
    <section>
      <Title sub="Flaggade inlägg och kommentarer. Bevis sparas innan något döljs eller tas bort.">Ärenden</Title>
      <div class="filters">
        <div class="field check">
          <input id="cases-open" type="checkbox" checked={onlyOpen} onChange={(e) => { setCursor(null); setOnlyOpen((e.target as HTMLInputElement).checked); }} />
          <label for="cases-open">Bara öppna ärenden</label>
        </div>
      </div>
      {list.error && <ErrorBox>{list.error}</ErrorBox>}
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
          <table>
            <caption class="sr-only">Ärenden</caption>
            <thead>
              <tr>
                <th scope="col">Ärende</th>
                <th scope="col">Konto</th>
                <th scope="col">Text</th>
                <th scope="col">Kategorier</th>
                <th scope="col">Status</th>
                <th scope="col">Senast</th>
              </tr>
            </thead>
            <tbody>
              {cases.map((c) => (
                <tr key={c.id} class={c.overdue ? 'overdue' : ''}>
                  <td>
                    <Link href={`/arenden/${c.id}`}>Ärende {c.id}</Link>
                  </td>
                  <td>{c.account}</td>
                  <td class="clip">
                    <span class="muted">{c.author}:</span> {c.text}
                  </td>
                  <td>
                    <Categories value={c.categories} />
                  </td>
                  <td>
                    {label(caseState, c.state)}
                    {c.overdue && (
                      <>
                        {' '}
                        <Badge kind="danger">Försenat</Badge>
                      </>
                    )}
                  </td>
                  <td>{when(c.due_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {cases.length === 0 && <p>Inga ärenden.</p>}
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

export function CaseDetail({ id }: { id: string }) {
  const s = useSession();
  const c = useLoad(() => api.get<Case>(`/cases/${encodeURIComponent(id)}`), [id]);
  const a = useAction();
  const [decision, setDecision] = useState('hide');
  const [reason, setReason] = useState('');
  const [byHand, setByHand] = useState(false);
  const [extRef, setExtRef] = useState('');
  const [outcome, setOutcome] = useState<CaseOutcome | null>(null);
  const canDecide = s.can('case.decide');
  const canRegister = s.can('case.register');

  const act = async (fn: () => Promise<unknown>, ok: string) => {
    if (await a.run(fn, ok)) c.reload();
  };

  return (
    <section>
      <Show l={c}>
        {(cs) => (
          <>
            <Title sub={`${cs.account} · öppnat ${when(cs.opened_at)}`}>Ärende {cs.id}</Title>
            <p class="badges">
              <Badge kind={cs.state === 'open' || cs.state === 'pending_confirmation' ? 'warn' : 'ok'}>{label(caseState, cs.state)}</Badge>
              {cs.overdue && <Badge kind="danger">Försenat</Badge>}
              {cs.history && <Badge kind="info">Från arkiv</Badge>}
            </p>
            <ItemText item={cs.item} fallback={cs.text} />
            <p>
              <Categories value={cs.categories} /> <Link href={`/trad/${cs.item}`}>Visa i tråden</Link>
            </p>
            <dl class="meta">
              <div>
                <dt>Avsändare</dt>
                <dd>{cs.author || '–'}</dd>
              </div>
              <div>
                <dt>Ska vara åtgärdat senast</dt>
                <dd class={cs.overdue ? 'danger' : ''}>{when(cs.due_at)}</dd>
              </div>
              <div>
                <dt>Bevis</dt>
                <dd>
                  {cs.evidence_sha256 ? (
                    <>
                      Sparat {when(cs.evidence_at)} <code class="hash">SHA-256 {cs.evidence_sha256}</code>
                    </>
                  ) : (
                    'Inte sparat'
                  )}
                </dd>
              </div>
              {cs.decision && (
                <div>
                  <dt>Beslut</dt>
                  <dd>
                    {label(decisionLabel, cs.decision)} av {cs.decided_by} {when(cs.decided_at)}
                    {cs.reason ? ` – ${cs.reason}` : ''}
                  </dd>
                </div>
              )}
              {cs.confirmed_by && (
                <div>
                  <dt>Bekräftat</dt>
                  <dd>
                    av {cs.confirmed_by} {when(cs.confirmed_at)}
                  </dd>
                </div>
              )}
              {cs.takedown && cs.takedown.at && (
                <div>
                  <dt>Utfört</dt>
                  <dd>
                    {cs.takedown.via === 'api' ? 'via plattformens API' : 'för hand'}
                    {cs.takedown.by ? ` av ${cs.takedown.by}` : ''} {when(cs.takedown.at)}
                    {cs.takedown.result ? ` (${cs.takedown.result})` : ''}
                  </dd>
                </div>
              )}
              <div>
                <dt>Diarienummer</dt>
                <dd>{cs.registration || cs.external_ref || 'Inte diariefört'}</dd>
              </div>
            </dl>
            {outcome && (
              <p class="msg msg-info" role="status">
                {outcome.done
                  ? outcome.via_api
                    ? 'Utfört via plattformens API.'
                    : 'Registrerat som utfört för hand: gör det också på plattformen om det inte redan är gjort.'
                  : outcome.case.state === 'pending_confirmation'
                    ? 'Väntar på en andra persons bekräftelse (fyra ögon).'
                    : 'Beslutet är registrerat.'}
              </p>
            )}
            <ActionMessages a={a} />

            {canDecide && cs.state === 'open' && (
              <div class="steps">
                <section class="panel" aria-labelledby="step-evidence">
                  <h2 id="step-evidence">1. Spara bevis</h2>
                  <p>Innehållet, avsändaren, tiden och tråden sparas och hashas innan något tas bort.</p>
                  <button type="button" class={cs.evidence_sha256 ? '' : 'primary'} disabled={a.busy} onClick={() => act(() => api.post(`/cases/${cs.id}/evidence`, {}), 'Beviset är sparat.')}>
                    {cs.evidence_sha256 ? 'Spara bevis igen' : 'Spara bevis'}
                  </button>
                </section>
                <form
                  class="panel"
                  aria-labelledby="step-decide"
                  onSubmit={(e) => {
                    e.preventDefault();
                    const body: Record<string, unknown> = { decision };
                    if (reason.trim()) body.reason = reason.trim();
                    if (byHand) body.by_hand = true;
                    act(async () => setOutcome(await api.post<CaseOutcome>(`/cases/${cs.id}/decide`, body)), 'Beslutet är registrerat.');
                  }}
                >
                  <h2 id="step-decide">2. Besluta</h2>
                  <fieldset>
                    <legend>Beslut</legend>
                    {(['keep', 'hide', 'remove'] as const).map((d) => (
                      <div class="radio" key={d}>
                        <input type="radio" id={`decide-${d}`} name="decision" value={d} checked={decision === d} onChange={() => setDecision(d)} />
                        <label for={`decide-${d}`}>{decisionLabel[d]}</label>
                      </div>
                    ))}
                  </fieldset>
                  <div class="field">
                    <label for="decide-reason">Motivering</label>
                    <input id="decide-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
                  </div>
                  <div class="field check">
                    <input id="decide-hand" type="checkbox" checked={byHand} onChange={(e) => setByHand((e.target as HTMLInputElement).checked)} />
                    <label for="decide-hand">Utförs för hand på plattformen</label>
                  </div>
                  {decision !== 'keep' && !cs.evidence_sha256 && <p class="hint">Spara beviset först: utan bevis kan inget döljas eller tas bort.</p>}
                  <button type="submit" class="primary" disabled={a.busy}>
                    Besluta
                  </button>
                </form>
              </div>
            )}

            {canDecide && cs.state === 'pending_confirmation' && (
              <section class="panel" aria-labelledby="step-confirm">
                <h2 id="step-confirm">Bekräfta (fyra ögon)</h2>
                <p>
                  {cs.decided_by} har beslutat: <strong>{label(decisionLabel, cs.decision)}</strong>. En annan person än den som beslutade ska
                  bekräfta.
                </p>
                {cs.decided_by === s.me.name && <p class="hint">Du fattade beslutet och kan inte själv bekräfta det.</p>}
                <div class="field check">
                  <input id="confirm-hand" type="checkbox" checked={byHand} onChange={(e) => setByHand((e.target as HTMLInputElement).checked)} />
                  <label for="confirm-hand">Utförs för hand på plattformen</label>
                </div>
                <button
                  type="button"
                  class="primary"
                  disabled={a.busy}
                  onClick={() => act(async () => setOutcome(await api.post<CaseOutcome>(`/cases/${cs.id}/confirm`, byHand ? { by_hand: true } : {})), 'Beslutet är bekräftat.')}
                >
                  Bekräfta beslutet
                </button>
              </section>
            )}

            {canRegister && !cs.registration && !cs.external_ref && (
              <form
                class="panel"
                aria-labelledby="step-register"
                onSubmit={(e) => {
                  e.preventDefault();
                  act(() => api.post(`/cases/${cs.id}/register`, extRef.trim() ? { external_ref: extRef.trim() } : { series: true }), 'Ärendet är diariefört.');
                }}
              >
                <h2 id="step-register">Diarieför</h2>
                <div class="field">
                  <label for="reg-ext">Externt ärendenummer</label>
                  <span class="hint" id="reg-ext-hint">
                    Lämna tomt för nästa nummer i kommunens serie.
                  </span>
                  <input id="reg-ext" aria-describedby="reg-ext-hint" value={extRef} onInput={(e) => setExtRef((e.target as HTMLInputElement).value)} />
                </div>
                <button type="submit" disabled={a.busy}>
                  Diarieför
                </button>
              </form>
            )}
          </>
        )}
      </Show>
    </section>
  );
}

function ItemText({ item, fallback }: { item: number; fallback: string }) {
  const d = useLoad(() => api.get<ItemDetail>(`/items/${item}`), [item]);
  if (!d.data) return <p class="item-text">{fallback}</p>;
  return <FlaggedText text={d.data.text} flags={d.data.flags} />;
}
