// Användare och roller: who can log in, with which roles, for which accounts;
// and what each role may do (the permission table, as the server reports it).
import { useState } from 'preact/hooks';
import { api, itemsOf } from '../api';
import { day, label, roleLabel } from '../fmt';
import type { Account, Person, User } from '../types';
import { ActionMessages, Badge, Show, Title, useAction, useLoad, useSession } from '../ui';

interface Role {
  role: string;
  label: string;
  permissions: string[];
}

const NOT_SERVED = 'Servern kan ännu inte ändra användare härifrån: använd kanalvakt user add och kanalvakt user disable.';

const PERM: Record<string, string> = {
  'register.read': 'Läsa förteckningen',
  'register.write': 'Ändra förteckningen',
  'account.lifecycle': 'Aktivera och stänga konton',
  'item.read': 'Läsa inlägg och kommentarer',
  capture: 'Hämta och importera',
  'inbox.work': 'Arbeta i inkorgen',
  'case.read': 'Läsa ärenden',
  'case.decide': 'Besluta i ärenden',
  'case.register': 'Diarieföra',
  review: 'Bevaka konton',
  'policy.write': 'Ändra policy och krisläge',
  'alert.work': 'Kvittera larm',
  'audit.read': 'Läsa granskningsloggen',
  'stats.read': 'Se statistik',
  records: 'Gallring och arkiv',
  disclose: 'Lämna ut allmänna handlingar',
  'user.admin': 'Hantera användare',
  vault: 'Inloggningsuppgifter (valv)',
  'org.admin': 'Administrera organisationen',
  publish: 'Skriva och publicera inlägg',
};

export function Users() {
  const s = useSession();
  const users = useLoad(() => api.get<unknown>('/users').then(itemsOf<User>), []);
  const accounts = useLoad(() => api.get<unknown>('/accounts', { limit: 500 }).then(itemsOf<Account>), []);
  // The whole permission table when the server lists it; else the roles the users hold.
  const roleTable = useLoad(() => api.get<unknown>('/roles').then(itemsOf<Role>, () => [] as Role[]), []);
  const a = useAction();
  const disable = async (u: User) => {
    const ok = await a.run(() => api.post(`/users/${u.id}/disable`, {}), `${u.name} är avstängd.`);
    if (ok) users.reload();
  };
  const accName = (id: number) => {
    const a = (accounts.data || []).find((x) => x.id === id);
    return a ? `${a.platform}/${a.handle}` : `konto ${id}`;
  };
  return (
    <section>
      <Title sub="Vem som kan logga in, med vilken roll och för vilka konton.">Användare och roller</Title>
      <Show l={users}>
        {(rows) => {
          const roles = new Map<string, { label: string; perms: string[] }>();
          for (const r of roleTable.data || []) roles.set(r.role, { label: r.label, perms: r.permissions });
          if (roles.size === 0) for (const u of rows) for (const g of u.grants) roles.set(g.role, { label: g.label, perms: g.permissions });
          return (
            <>
              <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
                <table>
                  <caption class="sr-only">Användare</caption>
                  <thead>
                    <tr>
                      <th scope="col">Användare</th>
                      <th scope="col">Person</th>
                      <th scope="col">Roller</th>
                      <th scope="col">Status</th>
                      <th scope="col">Skapad</th>
                      <th scope="col">
                        <span class="sr-only">Åtgärd</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((u) => (
                      <tr key={u.id}>
                        <td>{u.name}</td>
                        <td>{u.person || '–'}</td>
                        <td>
                          <ul class="plain">
                            {u.grants.map((g, i) => (
                              <li key={i}>
                                {g.label || label(roleLabel, g.role)}{' '}
                                <span class="muted">{g.all_accounts ? 'alla konton' : g.accounts.map(accName).join(', ')}</span>
                              </li>
                            ))}
                          </ul>
                        </td>
                        <td>{u.disabled ? <Badge kind="danger">Avstängd</Badge> : <Badge kind="ok">Aktiv</Badge>}</td>
                        <td>{day(u.created_at)}</td>
                        <td>
                          {!u.disabled && u.id !== s.me.id && (
                            <button type="button" disabled={a.busy} onClick={() => disable(u)}>
                              Stäng av<span class="sr-only"> {u.name}</span>
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {a.error && a.error.startsWith('Finns inte') ? (
                <p class="msg msg-info" role="status">
                  {NOT_SERVED}
                </p>
              ) : (
                <ActionMessages a={a} />
              )}
              <AddUser roles={[...roles.keys()]} onAdded={users.reload} />
              <h2>Vad rollerna får göra</h2>
              <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
                <table class="matrix">
                  <caption class="sr-only">Behörigheter per roll</caption>
                  <thead>
                    <tr>
                      <th scope="col">Behörighet</th>
                      {[...roles.entries()].map(([r, v]) => (
                        <th key={r} scope="col">
                          {v.label || label(roleLabel, r)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {Object.keys(PERM).map((p) => (
                      <tr key={p}>
                        <th scope="row">{PERM[p]}</th>
                        {[...roles.entries()].map(([r, v]) => (
                          <td key={r}>{v.perms.includes(p) ? <span aria-label="ja">✓</span> : <span aria-label="nej">–</span>}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          );
        }}
      </Show>
    </section>
  );
}

function AddUser({ roles, onAdded }: { roles: string[]; onAdded: () => void }) {
  const people = useLoad(() => api.get<unknown>('/people', { limit: 500 }).then(itemsOf<Person>), []);
  const [f, setF] = useState({ name: '', person: '', role: 'editor', accounts: '', password: '', again: '' });
  const a = useAction();
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  const all = [...new Set(['admin', 'editor', 'moderator', 'advertiser', 'analyst', 'archivist', ...roles])].filter((r) => r !== 'custom');
  return (
    <form
      class="panel"
      aria-labelledby="add-user-h"
      onSubmit={async (e) => {
        e.preventDefault();
        if (f.password !== f.again) {
          await a.run(() => Promise.reject(new Error('Lösenorden är inte lika.')));
          return;
        }
        const body: Record<string, unknown> = { name: f.name.trim(), role: f.role, password: f.password };
        if (f.person) body.person = f.person;
        const accs = f.accounts.split(',').map((x) => x.trim()).filter(Boolean);
        if (accs.length) body.accounts = accs;
        if (await a.run(() => api.post('/users', body), `${f.name} är tillagd.`)) {
          setF({ name: '', person: '', role: 'editor', accounts: '', password: '', again: '' });
          onAdded();
        }
      }}
    >
      <h2 id="add-user-h">Lägg till användare</h2>
      <div class="steps">
        <div class="field">
          <label for="nu-name">Användarnamn</label>
          <input id="nu-name" required autoComplete="off" value={f.name} onInput={set('name')} />
        </div>
        <div class="field">
          <label for="nu-person">Person i förteckningen</label>
          <select id="nu-person" value={f.person} onChange={set('person')}>
            <option value="">Ingen</option>
            {(people.data || []).filter((p) => p.active).map((p) => (
              <option key={p.id} value={p.email}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="nu-role">Roll</label>
          <select id="nu-role" value={f.role} onChange={set('role')}>
            {all.map((r) => (
              <option key={r} value={r}>
                {label(roleLabel, r)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="nu-accounts">Konton</label>
          <span class="hint" id="nu-accounts-hint">
            Tomt: alla konton. Annars handtag, kommaseparerade.
          </span>
          <input id="nu-accounts" aria-describedby="nu-accounts-hint" value={f.accounts} onInput={set('accounts')} />
        </div>
        <div class="field">
          <label for="nu-pw">Lösenord</label>
          <input id="nu-pw" type="password" autoComplete="new-password" required value={f.password} onInput={set('password')} />
        </div>
        <div class="field">
          <label for="nu-pw2">Lösenord igen</label>
          <input id="nu-pw2" type="password" autoComplete="new-password" required value={f.again} onInput={set('again')} />
        </div>
      </div>
      {a.error && a.error.startsWith('Finns inte') ? (
        <p class="msg msg-info" role="status">
          {NOT_SERVED}
        </p>
      ) : (
        <ActionMessages a={a} />
      )}
      <button type="submit" class="primary" disabled={a.busy || !f.name.trim() || !f.password}>
        Lägg till
      </button>
    </form>
  );
}
