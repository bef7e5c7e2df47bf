// Lösenordsvalvet: the shared logins and keys of each account, encrypted in
// the vault. This screen shows who may use each one and lets an
// administrator grant or revoke a person; it never shows a secret (the
// server has no way to hand one out over HTTP). Riktlinjerna: at least two
// persons shall be able to administer every account.
import { useState } from 'preact/hooks';
import { api, itemsOf } from '../api';
import { when } from '../fmt';
import type { Person, VaultSecret } from '../types';
import { ActionMessages, Badge, Show, Title, useAction, useLoad } from '../ui';

const KIND: Record<string, string> = {
  password: 'Lösenord',
  token: 'Token',
  'app-secret': 'Apphemlighet',
  app_secret: 'Apphemlighet',
  'webhook-secret': 'Webhook-hemlighet',
  webhook_secret: 'Webhook-hemlighet',
};

function SecretCard({ s, people, onChanged }: { s: VaultSecret; people: Person[]; onChanged: () => void }) {
  const a = useAction();
  const [person, setPerson] = useState('');
  const h = `secret-${s.id}-h`;
  const name = `${KIND[s.kind] || s.kind}${s.label ? ': ' + s.label : ''}`;
  const others = people.filter((p) => p.active && !s.people.includes(p.email));
  const chosen = person || (others[0] ? others[0].email : '');
  const act = async (fn: () => Promise<unknown>, ok: string) => {
    if (await a.run(fn, ok)) onChanged();
  };
  const nameOf = (email: string) => people.find((p) => p.email === email)?.name;
  return (
    <li class={`card${s.two_or_more ? '' : ' overdue'}`} aria-labelledby={h}>
      <div class="card-head">
        <h3 id={h} class="card-title">
          {name}
        </h3>
        <span class="badges">
          <Badge kind="info">version {s.version}</Badge>
          {s.two_or_more ? <Badge kind="ok">{s.n_people} personer</Badge> : <Badge kind="danger">Färre än två personer</Badge>}
        </span>
      </div>
      {!s.two_or_more && (
        <p class="msg msg-warn">
          Minst två personer ska kunna administrera kontot. {s.n_people === 0 ? 'Ingen' : 'Bara en person'} har tillgång till den här uppgiften.
        </p>
      )}
      <dl class="meta">
        <div>
          <dt>Skapad</dt>
          <dd>
            {when(s.created_at)} av {s.created_by}
          </dd>
        </div>
        <div>
          <dt>Senast bytt</dt>
          <dd>{s.rotated_at ? `${when(s.rotated_at)} av ${s.rotated_by}` : '–'}</dd>
        </div>
      </dl>
      <h4>Har tillgång</h4>
      {s.people.length === 0 ? (
        <p>Ingen.</p>
      ) : (
        <ul class="plain">
          {s.people.map((e) => (
            <li key={e}>
              {nameOf(e) ? `${nameOf(e)} (${e})` : e}{' '}
              <button type="button" class="link-button" disabled={a.busy} onClick={() => act(() => api.post(`/vault/${s.id}/revoke`, { person: e }), `${e} har inte längre tillgång till ${name}.`)}>
                Ta bort tillgång<span class="sr-only"> för {e} till {name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <ActionMessages a={a} />
      {others.length > 0 && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            act(() => api.post(`/vault/${s.id}/grant`, { person: chosen }), `${chosen} har fått tillgång till ${name}.`);
          }}
        >
          <label for={`grant-${s.id}`}>Ge tillgång</label>
          <select id={`grant-${s.id}`} value={chosen} onChange={(e) => setPerson((e.target as HTMLSelectElement).value)}>
            {others.map((p) => (
              <option key={p.id} value={p.email}>
                {p.name}
              </option>
            ))}
          </select>
          <button type="submit" disabled={a.busy || !chosen}>
            Ge tillgång<span class="sr-only"> till {name}</span>
          </button>
        </form>
      )}
    </li>
  );
}

export function Vault() {
  const list = useLoad(() => api.get<unknown>('/vault').then(itemsOf<VaultSecret>), []);
  const people = useLoad(() => api.get<unknown>('/people', { limit: 500 }).then(itemsOf<Person>), []);
  return (
    <section>
      <Title sub="Kontonas gemensamma inloggningar och nycklar, krypterade. Här syns vem som har tillgång, aldrig själva hemligheten: den visas bara i terminalen med kanalvakt vault show --reveal.">
        Lösenordsvalvet
      </Title>
      <Show l={list}>
        {(rows) => {
          const groups = new Map<string, VaultSecret[]>();
          for (const s of rows) groups.set(s.account, [...(groups.get(s.account) || []), s]);
          return (
            <>
              {rows.length === 0 && <p>Valvet är tomt.</p>}
              {[...groups.entries()].map(([acc, secrets]) => (
                <section key={acc} aria-labelledby={`vault-${acc}`}>
                  <h2 id={`vault-${acc}`}>{acc}</h2>
                  <ol class="cards">
                    {secrets.map((s) => (
                      <SecretCard key={s.id} s={s} people={people.data || []} onChanged={list.reload} />
                    ))}
                  </ol>
                </section>
              ))}
            </>
          );
        }}
      </Show>
    </section>
  );
}
