// Borttaget-registret: what was hidden or removed, why, by whom, and where
// the evidence is (Ale: removed content is registered).
import { useState } from 'preact/hooks';
import { api, itemsOf, nextOf } from '../api';
import { caseState, label, when } from '../fmt';
import type { Case } from '../types';
import { Categories, ErrorBox, Field, Link, Loading, Title, useLoad } from '../ui';

export function Removed() {
  const [account, setAccount] = useState('');
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useLoad(() => api.get<unknown>('/removed', { account, cursor: cursor || undefined }), [account, cursor]);
  const rows = itemsOf<Case>(list.data);
  return (
    <section>
      <Title sub="Dolt och borttaget innehåll, med beslut och bevis.">Borttaget-registret</Title>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field label="Konto">
          {(id) => <input id={id} value={account} onChange={(e) => { setCursor(null); setAccount((e.target as HTMLInputElement).value.trim()); }} />}
        </Field>
      </form>
      {list.error && <ErrorBox>{list.error}</ErrorBox>}
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
          <table>
            <caption class="sr-only">Borttaget innehåll</caption>
            <thead>
              <tr>
                <th scope="col">Ärende</th>
                <th scope="col">Konto</th>
                <th scope="col">Innehåll</th>
                <th scope="col">Skäl</th>
                <th scope="col">Åtgärd</th>
                <th scope="col">Beslut</th>
                <th scope="col">Bevis (SHA-256)</th>
                <th scope="col">Diarienummer</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link href={`/arenden/${c.id}`}>{c.id}</Link>
                  </td>
                  <td>{c.account}</td>
                  <td class="clip">
                    <span class="muted">{c.author}:</span> {c.text}
                  </td>
                  <td>
                    <Categories value={c.categories} />
                    {c.reason ? <div>{c.reason}</div> : null}
                  </td>
                  <td>
                    {label(caseState, c.state)}
                    <div class="muted">{c.takedown?.via === 'api' ? 'via API' : c.takedown?.at ? 'för hand' : ''}</div>
                  </td>
                  <td>
                    {c.decided_by} {when(c.decided_at)}
                    {c.confirmed_by ? <div class="muted">bekräftat av {c.confirmed_by}</div> : null}
                  </td>
                  <td>
                    <code class="hash">{c.evidence_sha256 ? c.evidence_sha256.slice(0, 16) + '…' : '–'}</code>
                  </td>
                  <td>{c.registration || c.external_ref || '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p>Inget har tagits bort.</p>}
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
