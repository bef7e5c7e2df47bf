// Konton: the register of accounts, one account with its start checklist
// (answered here) and the register checks, and a preview of the public list
// that the kommun publishes on its website.
import { useState } from 'preact/hooks';
import { api, itemsOf } from '../api';
import { accountStatus, day, label } from '../fmt';
import type { Account, CheckProblem } from '../types';
import { ActionMessages, Badge, ErrorBox, Link, Show, Title, useAction, useLoad, useSession } from '../ui';

/** The start checklist (Östhammar, Nykvarn): key, label, question. */
const CHECKLIST: [string, string, string][] = [
  ['syfte', 'Syfte', 'Varför ska kanalen användas?'],
  ['mal', 'Mål', 'Vad vill ni uppnå med kommunikationen?'],
  ['budskap', 'Budskap', 'Vilka frågor ska kommuniceras, och hur hänger de ihop med budskap i kommunens andra kanaler?'],
  ['malgrupp', 'Målgrupp', 'Vilka vänder vi oss till?'],
  ['kanal', 'Kanal', 'Vilken kanal ska användas?'],
  ['kontotyp', 'Typ av konto', 'Skapar verksamheten en företagssida/-konto, inte ett personkonto?'],
  ['avtal', 'Avtal', 'Har verksamheten gått igenom det sociala mediets avtalsvillkor?'],
  ['funktion_och_teknik', 'Funktion och teknik', 'Krävs det insatser från IT-avdelningen?'],
  ['resurser', 'Resurser', 'Vilka resurser behövs för att bevaka kontot och uppdatera det kontinuerligt? Minst två redaktörer och ersättare vid frånvaro.'],
  ['bevakning', 'Bevakning', 'Vilka sköter bevakning och uppdatering? Vem hoppar in vid semester?'],
  ['avsandare', 'Avsändare', 'Framgår det tydligt att kontot är en del av kommunen?'],
  ['risker', 'Risker', 'Riskerar sekretess att röjas? Hur tar vi hänsyn till GDPR, andra lagar och regler?'],
  ['diarieforing_gallring_arkivering', 'Diarieföring, gallring och arkivering', 'Hur ser verksamhetens rutiner ut?'],
  ['kriskommunikation', 'Kriskommunikation', 'Hur kan kanalen användas vid en kris, och hur hänger den ihop med andra kanaler?'],
  ['marknadsforing', 'Marknadsföring', 'Hur hittar besökarna till kontot?'],
  [
    'informationskrav',
    'Informationskrav',
    'Finns den övergripande information som ska finnas: vilka inlägg som inte får förekomma, vad som händer vid brott mot reglerna, myndighetens identitet, syftet, att inläggen kan bli allmän handling?',
  ],
];

/** The public list's fields, as the kommun's website would head them. */
const PUBLIC_COLUMNS: Record<string, string> = {
  platform: 'Plattform',
  name: 'Namn',
  url: 'Adress',
  unit: 'Verksamhet',
  purpose: 'Syfte',
  audience: 'Målgrupp',
  function: 'Ansvarig funktion',
  email: 'E-post',
  phone: 'Telefon',
};

function problemText(p: CheckProblem & { message?: string; rule?: string; severity?: string }): string {
  return `${p.message || p.check || p.rule || ''}${p.detail ? ` (${p.detail})` : ''}`;
}

export function Accounts() {
  const [status, setStatus] = useState('');
  const list = useLoad(() => api.get<unknown>('/accounts', { status, limit: 500 }).then(itemsOf<Account>), [status]);
  const checks = useLoad(() => api.get<unknown>('/checks').then(itemsOf<CheckProblem>), []);
  // The public list as published: {organisation, updated, accounts: [...]}.
  const pub = useLoad(
    () =>
      api.get<unknown>('/public/accounts').then((v) => {
        if (Array.isArray(v)) return v as Record<string, unknown>[];
        const o = (v || {}) as Record<string, unknown>;
        return (Array.isArray(o.accounts) ? o.accounts : itemsOf(v)) as Record<string, unknown>[];
      }),
    [],
  );
  const byAccount = new Map<number, CheckProblem[]>();
  for (const p of checks.data || []) byAccount.set(p.account_id, [...(byAccount.get(p.account_id) || []), p]);
  return (
    <section>
      <Title sub="Förteckningen över kommunens konton i sociala medier.">Konton</Title>
      <div class="filters">
        <div class="field">
          <label for="acc-status">Status</label>
          <select id="acc-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="">Alla</option>
            {Object.keys(accountStatus).map((k) => (
              <option key={k} value={k === 'proposed' ? 'planned' : k}>
                {accountStatus[k]}
              </option>
            ))}
          </select>
        </div>
      </div>
      {checks.error && <ErrorBox>Kontrollerna kunde inte hämtas: {checks.error}</ErrorBox>}
      <Show l={list}>
        {(rows) => (
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
            <table>
              <caption class="sr-only">Konton</caption>
              <thead>
                <tr>
                  <th scope="col">Konto</th>
                  <th scope="col">Plattform</th>
                  <th scope="col">Enhet</th>
                  <th scope="col">Status</th>
                  <th scope="col">Ansvarig</th>
                  <th scope="col">Kontroller</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => {
                  const probs = byAccount.get(a.id) || [];
                  return (
                    <tr key={a.id}>
                      <td>
                        <Link href={`/konton/${a.id}`}>{a.name || a.handle}</Link>
                        <div class="muted">{a.handle}</div>
                      </td>
                      <td>{a.platform}</td>
                      <td>{a.unit || '–'}</td>
                      <td>{label(accountStatus, a.status)}</td>
                      <td>{a.responsible || '–'}</td>
                      <td>{probs.length ? <Badge kind="warn">{probs.length} anmärkningar</Badge> : <Badge kind="ok">Inga anmärkningar</Badge>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Show>
      <h2>Publika listan (förhandsvisning)</h2>
      <p class="muted">Så här ser förteckningen ut på kommunens webbplats. Inga privata uppgifter visas.</p>
      <Show l={pub}>
        {(rows) => {
          if (rows.length === 0) return <p>Inga konton är publicerade ännu (bara aktiva konton visas).</p>;
          const cols = rows.length ? Object.keys(rows[0]).filter((k) => typeof rows[0][k] !== 'object' || rows[0][k] === null) : [];
          return (
            <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
              <table class="public">
                <caption class="sr-only">Publik förteckning</caption>
                <thead>
                  <tr>
                    {cols.map((c) => (
                      <th key={c} scope="col">
                        {PUBLIC_COLUMNS[c] || c}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r, i) => (
                    <tr key={i}>
                      {cols.map((c) => (
                        <td key={c}>{r[c] === null || r[c] === undefined ? '–' : String(r[c])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </Show>
    </section>
  );
}

export function AccountDetail({ id }: { id: string }) {
  const s = useSession();
  const acc = useLoad(() => api.get<Account>(`/accounts/${encodeURIComponent(id)}`), [id]);
  const checks = useLoad(() => api.get<unknown>(`/accounts/${encodeURIComponent(id)}/checks`).then(itemsOf<CheckProblem>), [id]);
  const a = useAction();
  const canWrite = s.can('register.write');
  return (
    <section>
      <Show l={acc}>
        {(ac) => (
          <>
            <Title sub={`${ac.platform} · ${ac.handle || ''}`}>{ac.name || ac.handle || `Konto ${ac.id}`}</Title>
            <p>
              <Badge>{label(accountStatus, ac.status)}</Badge> <Link href="/konton">Alla konton</Link>
            </p>
            <dl class="meta wide">
              {(
                [
                  ['Adress', ac.url],
                  ['Enhet', ac.unit],
                  ['Syfte', ac.purpose],
                  ['Mål', ac.goal],
                  ['Målgrupp', ac.audience],
                  ['Ansvarig', ac.responsible],
                  ['Ersättare', ac.deputy],
                  ['Administratörer', ac.admins.join(', ')],
                  ['Beslutat av', ac.decided_by ? `${ac.decided_by}, ${day(ac.decided_on)}` : null],
                  ['Diarienummer', ac.decision_ref],
                  ['Inlägg per vecka (mål)', ac.posts_per_week === null ? null : String(ac.posts_per_week)],
                  ['Stängt', ac.closed_on ? `${day(ac.closed_on)} ${ac.closing_reason || ''}` : null],
                ] as [string, string | null][]
              ).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{v || '–'}</dd>
                </div>
              ))}
            </dl>
            <h2>Kontroller</h2>
            <Show l={checks}>
              {(ps) =>
                ps.length === 0 ? (
                  <p>
                    <Badge kind="ok">Inga anmärkningar</Badge>
                  </p>
                ) : (
                  <ul class="problems">
                    {ps.map((p, i) => (
                      <li key={i}>{problemText(p)}</li>
                    ))}
                  </ul>
                )
              }
            </Show>
            {s.can('account.lifecycle') && (ac.status === 'proposed' || ac.status === 'planned' || ac.status === 'inactive') && (
              <button type="button" class="primary" disabled={a.busy} onClick={async () => { if (await a.run(() => api.post(`/accounts/${ac.id}/activate`, {}), 'Kontot är aktiverat.')) acc.reload(); }}>
                Aktivera kontot
              </button>
            )}
            {s.can('account.lifecycle') && ac.status === 'active' && (
              <button type="button" disabled={a.busy} onClick={async () => { if (await a.run(() => api.post(`/accounts/${ac.id}/deactivate`, {}), 'Kontot är inaktiverat.')) acc.reload(); }}>
                Inaktivera kontot
              </button>
            )}
            <ActionMessages a={a} />
            <h2>Checklista för start</h2>
            <ol class="checklist">
              {CHECKLIST.map(([key, lab, q]) => (
                <ChecklistRow key={key} account={ac.id} k={key} label={lab} question={q} answer={(ac.checklist || {})[key] as string | undefined} canWrite={canWrite} onSaved={acc.reload} />
              ))}
            </ol>
            {ac.house_rules && (
              <>
                <h2>Husregler</h2>
                <p class="item-text">{ac.house_rules}</p>
              </>
            )}
          </>
        )}
      </Show>
    </section>
  );
}

function ChecklistRow(props: { account: number; k: string; label: string; question: string; answer?: string; canWrite: boolean; onSaved: () => void }) {
  const [text, setText] = useState(props.answer || '');
  const a = useAction();
  const id = `cl-${props.k}`;
  return (
    <li class="check-item">
      <div class="check-head">
        <strong id={`${id}-l`}>{props.label}</strong> {props.answer ? <Badge kind="ok">Besvarad</Badge> : <Badge kind="warn">Obesvarad</Badge>}
      </div>
      <p class="muted" id={`${id}-q`}>
        {props.question}
      </p>
      {props.canWrite ? (
        <form
          class="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await a.run(() => api.put(`/accounts/${props.account}/checklist/${props.k}`, { answer: text }), 'Sparat.')) props.onSaved();
          }}
        >
          <label for={id} class="sr-only">
            Svar: {props.label}
          </label>
          <input id={id} aria-describedby={`${id}-q`} value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
          <button type="submit" disabled={a.busy || !text.trim()}>
            Spara
          </button>
          <ActionMessages a={a} />
        </form>
      ) : (
        <p>{props.answer || '–'}</p>
      )}
    </li>
  );
}
