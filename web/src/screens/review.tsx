// Bevakning: someone must look at every active account every working day;
// this lists whose review is missing and marks an account reviewed now.
import { api, itemsOf } from '../api';
import { when } from '../fmt';
import type { Review as ReviewRow } from '../types';
import { ActionMessages, Badge, Show, Title, useAction, useLoad, useSession } from '../ui';

export function Review() {
  const s = useSession();
  const list = useLoad(() => api.get<unknown>('/review').then(itemsOf<ReviewRow>), []);
  const a = useAction();
  return (
    <section>
      <Title sub="Varje aktivt konto ska bevakas varje arbetsdag.">Bevakning</Title>
      <ActionMessages a={a} />
      <Show l={list}>
        {(rows) => (
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
            <table>
              <caption class="sr-only">Bevakning per konto</caption>
              <thead>
                <tr>
                  <th scope="col">Konto</th>
                  <th scope="col">Status</th>
                  <th scope="col">Senast bevakat</th>
                  <th scope="col">Intervall</th>
                  <th scope="col">
                    <span class="sr-only">Åtgärd</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.account_id}>
                    <td>{r.account}</td>
                    <td>{r.missing ? <Badge kind="danger">Saknas</Badge> : <Badge kind="ok">Bevakat</Badge>}</td>
                    <td>
                      {r.last_review_at ? `${when(r.last_review_at)}${r.last_review_by ? ' av ' + r.last_review_by : ''}` : 'Aldrig'}
                    </td>
                    <td>{r.interval.replace('wd', ' arbetsdag').replace('wh', ' arbetstimmar')}</td>
                    <td>
                      {s.can('review') && (
                        <button
                          type="button"
                          disabled={a.busy}
                          onClick={async () => {
                            if (await a.run(() => api.post(`/review/${r.account_id}`, {}), `${r.account} är markerat som bevakat.`)) list.reload();
                          }}
                        >
                          Markera bevakat i dag<span class="sr-only">: {r.account}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {rows.length === 0 && <p>Inga aktiva konton.</p>}
          </div>
        )}
      </Show>
    </section>
  );
}
