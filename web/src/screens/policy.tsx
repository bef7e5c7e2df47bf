// Policy: the settings in force (deadlines in working time, four eyes, the
// signature template, office hours …), where each comes from, and changing
// them for the organisation or one account.
import { useState } from 'preact/hooks';
import { api, itemsOf } from '../api';
import type { PolicyEntry } from '../types';
import { ActionMessages, Field, Show, Title, useAction, useLoad, useSession } from '../ui';

const KEYS: Record<string, string> = {
  answer_deadline: 'Svarstid för frågor',
  removal_deadline: 'Tid att ta bort otillåtet innehåll',
  review_interval: 'Bevakning av varje konto',
  inactivity_limit: 'Inaktivt konto efter',
  weekly_limit: 'Veckogräns för aktivitet',
  crisis_answer_deadline: 'Svarstid i krisläge',
  crisis_removal_deadline: 'Borttagning i krisläge',
  crisis_review_interval: 'Bevakning i krisläge',
  posts_per_week: 'Inlägg per vecka (mål)',
  max_posts_per_day: 'Högst antal inlägg per dag',
  four_eyes: 'Fyra ögon vid borttagning',
  signature_template: 'Mall för underskrift i svar',
  office_hours: 'Kontorstid',
  closed_days: 'Stängda dagar',
  de_facto_off: 'Klämdagar och aftnar lediga',
  history_after: 'Räknas som historik efter',
  crisis: 'Krisläge',
};

const SOURCE: Record<string, string> = { default: 'standard', organisation: 'organisationen', account: 'kontot' };

export function Policy() {
  const s = useSession();
  const [account, setAccount] = useState('');
  const list = useLoad(() => api.get<unknown>('/policy', { account }).then(itemsOf<PolicyEntry>), [account]);
  const a = useAction();
  const [edit, setEdit] = useState<Record<string, string>>({});
  const canWrite = s.can('policy.write');
  return (
    <section>
      <Title sub="Tider anges i arbetstid: 1wd = en arbetsdag, 4wh = fyra arbetstimmar, 48h = 48 timmar.">Policy</Title>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field label="Konto" hint="tomt: hela organisationen">
          {(id, d) => <input id={id} aria-describedby={d} value={account} onChange={(e) => setAccount((e.target as HTMLInputElement).value.trim())} />}
        </Field>
      </form>
      <ActionMessages a={a} />
      <Show l={list}>
        {(rows) => (
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
            <table>
              <caption class="sr-only">Policyinställningar</caption>
              <thead>
                <tr>
                  <th scope="col">Inställning</th>
                  <th scope="col">Värde</th>
                  <th scope="col">Gäller från</th>
                  {canWrite && <th scope="col">Ändra</th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
                  <tr key={p.key}>
                    <th scope="row">
                      {KEYS[p.key] || p.key}
                      <div class="muted">
                        <code>{p.key}</code>
                      </div>
                    </th>
                    <td>{p.value || '–'}</td>
                    <td>{SOURCE[p.source] || p.source}</td>
                    {canWrite && (
                      <td>
                        <form
                          class="inline-form"
                          onSubmit={async (e) => {
                            e.preventDefault();
                            const body: Record<string, string> = { value: edit[p.key] ?? p.value };
                            if (account) body.account = account;
                            if (await a.run(() => api.put(`/policy/${p.key}`, body), `${KEYS[p.key] || p.key} är ändrad.`)) list.reload();
                          }}
                        >
                          <label class="sr-only" for={`pol-${p.key}`}>
                            Nytt värde: {KEYS[p.key] || p.key}
                          </label>
                          <input id={`pol-${p.key}`} value={edit[p.key] ?? p.value} onInput={(e) => setEdit({ ...edit, [p.key]: (e.target as HTMLInputElement).value })} />
                          <button type="submit" disabled={a.busy}>
                            Spara
                          </button>
                        </form>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </section>
  );
}
