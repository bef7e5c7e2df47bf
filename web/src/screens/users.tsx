// Användare och roller: who can log in, with which roles, for which accounts;
// and what each role may do (the permission table, as the server reports it).
import { api, itemsOf } from '../api';
import { day, label, roleLabel } from '../fmt';
import type { Account, User } from '../types';
import { Badge, Show, Title, useLoad } from '../ui';

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
};

export function Users() {
  const users = useLoad(() => api.get<unknown>('/users').then(itemsOf<User>), []);
  const accounts = useLoad(() => api.get<unknown>('/accounts', { limit: 500 }).then(itemsOf<Account>), []);
  const accName = (id: number) => {
    const a = (accounts.data || []).find((x) => x.id === id);
    return a ? `${a.platform}/${a.handle}` : `konto ${id}`;
  };
  return (
    <section>
      <Title sub="Användare läggs till med kanalvakt user add (eller via kommunens inloggning).">Användare och roller</Title>
      <Show l={users}>
        {(rows) => {
          const roles = new Map<string, { label: string; perms: string[] }>();
          for (const u of rows) for (const g of u.grants) roles.set(g.role, { label: g.label, perms: g.permissions });
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
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
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
