// Arkiv: what the registrator / arkivarie keeps. The retention plan in force
// with the source of each rule, legal and case holds (the one thing changed
// here: added and released, each with a reason), the culling runs with their
// gallringsprotokoll (local, and on the platform), the periodic snapshots,
// the disclosure register and the e-archive packages delivered. Culling,
// snapshots, disclosures and packages are made at the server.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiError, itemsOf, nextOf } from '../api';
import { label, when } from '../fmt';
import type {
  Account,
  ArchivePackage,
  CullProtokoll,
  CullRun,
  Disclosure,
  Hold,
  PlatformCullProtokoll,
  PlatformCullRun,
  RetentionPlan,
  Snapshot,
} from '../types';
import { ActionMessages, Badge, ErrorBox, Loading, Show, Title, useAction, useLoad, useSession } from '../ui';

const holdKind: Record<string, string> = {
  account: 'Konto',
  case: 'Ärende',
  item: 'Inlägg',
  thread: 'Tråd',
};

const cullState: Record<string, string> = {
  running: 'Pågår',
  done: 'Klar',
  interrupted: 'Avbruten',
  proposed: 'Föreslagen',
};

const platformOutcome: Record<string, string> = {
  due: 'Ska gallras',
  proposed: 'Föreslaget',
  deleted: 'Raderat',
  failed: 'Misslyckades',
  held: 'Spärrat',
  action: 'Lett till åtgärd',
  not_archived: 'Inte arkiverat',
  gone: 'Redan borta',
};

const snapshotReason: Record<string, string> = {
  manual: 'För hand',
  scheduled: 'Enligt schema',
  final: 'Slutligt (kontot stängt)',
};

function bytes(n: number): string {
  if (n < 1024) return `${n} byte`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1).replace('.', ',')} kB`;
  return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}

function Hash({ v }: { v: string | null | undefined }) {
  return v ? <code class="hash">{v}</code> : <>–</>;
}

/** A table that scrolls sideways on a narrow screen, keyboard reachable. */
function Table({ caption, head, children }: { caption: string; head: string[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={`${caption} (kan rullas i sidled)`}>
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A list answer page by page, as the API gives it. */
function usePage<T>(path: string, q: Record<string, string | number | undefined> = {}, deps: unknown[] = []) {
  const [cursor, setCursor] = useState<string | null>(null);
  const l = useLoad(() => api.get<unknown>(path, { ...q, cursor: cursor || undefined }), [cursor, ...deps]);
  return {
    l,
    rows: itemsOf<T>(l.data),
    next: nextOf(l.data),
    more: () => setCursor(nextOf(l.data)),
    first: () => setCursor(null),
  };
}

function More({ next, onMore }: { next: string | null; onMore: () => void }) {
  if (!next) return null;
  return (
    <button type="button" onClick={onMore}>
      Visa fler
    </button>
  );
}

function Part({ id, title, sub, children }: { id: string; title: string; sub?: string; children: ComponentChildren }) {
  return (
    <section class="records-part" aria-labelledby={`${id}-h`} id={id}>
      <h2 id={`${id}-h`}>{title}</h2>
      {sub && <p class="muted">{sub}</p>}
      {children}
    </section>
  );
}

// ---- Gallringsplan ----

function Plan() {
  const l = useLoad(
    () =>
      api.get<RetentionPlan>('/retention').catch((e) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    [],
  );
  if (l.error) return <ErrorBox>{l.error}</ErrorBox>;
  if (l.loading && !l.data) return <Loading />;
  const p = l.data;
  if (!p) return <p>Ingen gallringsplan är inläst. Den läses in vid servern med <code>kanalvakt retention load</code>.</p>;
  return (
    <>
      <dl class="meta">
        <div>
          <dt>Plan</dt>
          <dd>{p.name || '–'}</dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>{p.version}</dd>
        </div>
        <div>
          <dt>SHA-256</dt>
          <dd>
            <Hash v={p.sha256} />
          </dd>
        </div>
      </dl>
      <Table caption="Gallringsplanens rader" head={['Klass', 'Gäller', 'Regel', 'Arkiveras först', 'Rad', 'Källa']}>
        {p.rules.map((r) => (
          <tr key={`${r.account}-${r.class}`}>
            <th scope="row">{r.label}</th>
            <td>{r.account === '-' ? 'Hela organisationen' : `Kontot ${r.account}`}</td>
            <td>{r.rule}</td>
            <td>{r.archive_first ? 'Ja' : 'Nej'}</td>
            <td>{r.line || '–'}</td>
            <td class="clip">{r.line ? r.source : 'Inte i planen: bevaras'}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

// ---- Spärrar ----

type Run = (fn: () => Promise<unknown>, ok?: string) => Promise<boolean>;

function HoldRow({ h, run, busy, onChanged }: { h: Hold; run: Run; busy: boolean; onChanged: () => void }) {
  const [reason, setReason] = useState('');
  const id = `hold-${h.id}-reason`;
  const what = `${label(holdKind, h.kind)} ${h.ref}`;
  return (
    <tr>
      <th scope="row">{what}</th>
      <td class="clip">{h.reason}</td>
      <td>
        {h.created_by}
        <div class="muted">{when(h.created_at)}</div>
      </td>
      <td>
        {h.active ? (
          <Badge kind="warn">Gäller</Badge>
        ) : (
          <>
            <Badge>Hävd</Badge>
            <div class="muted">
              {when(h.released_at)} av {h.released_by}: {h.release_reason}
            </div>
          </>
        )}
      </td>
      <td>
        {h.active && (
          <form
            class="inline-form"
            onSubmit={async (e) => {
              e.preventDefault();
              if (await run(() => api.post(`/holds/${h.id}/release`, { reason: reason.trim() }), `Spärren på ${what} är hävd.`)) onChanged();
            }}
          >
            <label for={id}>
              Skäl<span class="sr-only"> att häva spärren på {what}</span>
            </label>
            <input id={id} required value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
            <button type="submit" disabled={busy || !reason.trim()}>
              Häv<span class="sr-only"> spärren på {what}</span>
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

function AddHold({ accounts, onAdded }: { accounts: Account[]; onAdded: () => void }) {
  const a = useAction();
  const [kind, setKind] = useState('account');
  const [ref, setRef] = useState('');
  const [account, setAccount] = useState('');
  const [reason, setReason] = useState('');
  const handles = accounts.filter((x) => x.handle);
  const target = kind === 'account' ? ref || handles[0]?.handle || '' : ref.trim();
  const refHint: Record<string, string> = {
    case: 'Ärendets nummer.',
    item: 'Inläggets id på plattformen eller dess nummer i Kanalvakt.',
    thread: 'Trådens första inlägg, dess id på plattformen.',
  };
  return (
    <form
      class="panel"
      aria-labelledby="hold-add-h"
      onSubmit={async (e) => {
        e.preventDefault();
        const body: Record<string, string> = { kind, ref: target, reason: reason.trim() };
        if (kind === 'thread' && account) body.account = account;
        if (await a.run(() => api.post('/holds', body), `${label(holdKind, kind)} ${target} är spärrat mot gallring.`)) {
          setRef('');
          setReason('');
          onAdded();
        }
      }}
    >
      <h3 id="hold-add-h">Lägg en spärr</h3>
      <p class="muted">Så länge spärren gäller gallras inget den omfattar.</p>
      <div class="steps">
        <div class="field">
          <label for="hold-kind">Vad spärras</label>
          <select
            id="hold-kind"
            value={kind}
            onChange={(e) => {
              setKind((e.target as HTMLSelectElement).value);
              setRef('');
            }}
          >
            {Object.entries(holdKind).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        {kind === 'account' ? (
          <div class="field">
            <label for="hold-ref">Konto</label>
            <select id="hold-ref" value={target} onChange={(e) => setRef((e.target as HTMLSelectElement).value)}>
              {handles.map((x) => (
                <option key={x.id} value={x.handle || ''}>
                  {x.name ? `${x.name} (${x.handle})` : x.handle}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <div class="field">
            <label for="hold-ref">{kind === 'case' ? 'Ärendenummer' : kind === 'item' ? 'Inlägg' : 'Tråd'}</label>
            <span class="hint" id="hold-ref-hint">
              {refHint[kind]}
            </span>
            <input id="hold-ref" required aria-describedby="hold-ref-hint" value={ref} onInput={(e) => setRef((e.target as HTMLInputElement).value)} />
          </div>
        )}
        {kind === 'thread' && (
          <div class="field">
            <label for="hold-account">På kontot (valfritt)</label>
            <select id="hold-account" value={account} onChange={(e) => setAccount((e.target as HTMLSelectElement).value)}>
              <option value="">Vilket som helst</option>
              {handles.map((x) => (
                <option key={x.id} value={x.handle || ''}>
                  {x.handle}
                </option>
              ))}
            </select>
          </div>
        )}
        <div class="field">
          <label for="hold-reason">Skäl</label>
          <span class="hint" id="hold-reason-hint">
            T.ex. en begäran om utlämnande eller en tvist, med diarienummer.
          </span>
          <input id="hold-reason" required aria-describedby="hold-reason-hint" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </div>
      </div>
      <ActionMessages a={a} />
      <button type="submit" class="primary" disabled={a.busy || !target || !reason.trim()}>
        Lägg spärr
      </button>
    </form>
  );
}

function Holds() {
  const [all, setAll] = useState(false);
  const pg = usePage<Hold>('/holds', { all: all ? 1 : undefined }, [all]);
  const accounts = useLoad(() => api.get<unknown>('/accounts', { limit: 500 }).then(itemsOf<Account>), []);
  const rel = useAction();
  return (
    <>
      <div class="filters">
        <div class="field check">
          <input
            id="holds-all"
            type="checkbox"
            checked={all}
            onChange={(e) => {
              pg.first();
              setAll((e.target as HTMLInputElement).checked);
            }}
          />
          <label for="holds-all">Visa hävda spärrar också</label>
        </div>
      </div>
      <ActionMessages a={rel} />
      <Show l={pg.l}>
        {() => (
          <>
            {pg.rows.length === 0 ? (
              <p>{all ? 'Inga spärrar.' : 'Inga spärrar gäller.'}</p>
            ) : (
              <Table caption="Spärrar" head={['Spärrat', 'Skäl', 'Lagd av', 'Status', 'Häv']}>
                {pg.rows.map((h) => (
                  <HoldRow key={h.id} h={h} run={rel.run} busy={rel.busy} onChanged={pg.l.reload} />
                ))}
              </Table>
            )}
            <More next={pg.next} onMore={pg.more} />
          </>
        )}
      </Show>
      <AddHold accounts={accounts.data || []} onAdded={pg.l.reload} />
    </>
  );
}

// ---- Gallringar ----

function Protokoll({ run, onClose }: { run: number; onClose: () => void }) {
  const l = useLoad(() => api.get<CullProtokoll>(`/culls/${run}`), [run]);
  return (
    <div class="panel" role="region" aria-labelledby={`proto-${run}-h`}>
      <div class="card-head">
        <h3 id={`proto-${run}-h`}>Gallringsprotokoll {run}</h3>
        <button type="button" onClick={onClose}>
          Stäng<span class="sr-only"> gallringsprotokoll {run}</span>
        </button>
      </div>
      <Show l={l}>
        {(p) => (
          <>
            <dl class="meta">
              <div>
                <dt>Status</dt>
                <dd>{label(cullState, p.state)}</dd>
              </div>
              <div>
                <dt>Gallrat av</dt>
                <dd>{p.by}</dd>
              </div>
              <div>
                <dt>Reglerna tillämpade per</dt>
                <dd>{when(p.period?.rules_applied_at || p.as_of)}</dd>
              </div>
              <div>
                <dt>Startad</dt>
                <dd>{when(p.period?.started_at)}</dd>
              </div>
              <div>
                <dt>Klar</dt>
                <dd>{when(p.period?.finished_at)}</dd>
              </div>
              <div>
                <dt>Gallringsplan</dt>
                <dd>
                  version {p.plan?.version}
                  {p.plan?.name ? `: ${p.plan.name}` : ''} <Hash v={p.plan?.sha256} />
                </dd>
              </div>
              <div>
                <dt>Gallrat</dt>
                <dd>
                  {p.removed} poster, {p.files_removed} filer, {p.versions} versioner, {bytes(p.bytes_reclaimed || 0)}
                </dd>
              </div>
              <div>
                <dt>Förteckningen</dt>
                <dd>
                  {p.list?.entries} rader, SHA-256 <Hash v={p.list?.sha256} />
                </dd>
              </div>
            </dl>
            {p.counts.length === 0 ? (
              <p>Inget gallrades i körningen.</p>
            ) : (
              <Table caption={`Antal per klass i körning ${run}`} head={['Klass', 'Konto', 'Vad', 'Antal', 'Regel', 'Planrad', 'Gallrat före', 'Källa']}>
                {p.counts.map((c, i) => (
                  <tr key={i}>
                    <th scope="row">{c.label}</th>
                    <td>{c.account}</td>
                    <td>{c.what}</td>
                    <td>{c.count}</td>
                    <td>{c.rule}</td>
                    <td>{c.plan_line || '–'}</td>
                    <td>{c.removed_before ? when(c.removed_before) : '–'}</td>
                    <td class="clip">{c.source || '–'}</td>
                  </tr>
                ))}
              </Table>
            )}
          </>
        )}
      </Show>
    </div>
  );
}

function PlatformProtokoll({ run, onClose }: { run: number; onClose: () => void }) {
  const l = useLoad(() => api.get<PlatformCullProtokoll>(`/platform-culls/${run}`), [run]);
  return (
    <div class="panel" role="region" aria-labelledby={`pproto-${run}-h`}>
      <div class="card-head">
        <h3 id={`pproto-${run}-h`}>Gallringsprotokoll på plattformen {run}</h3>
        <button type="button" onClick={onClose}>
          Stäng<span class="sr-only"> gallringsprotokoll på plattformen {run}</span>
        </button>
      </div>
      <Show l={l}>
        {(p) => (
          <>
            <dl class="meta">
              <div>
                <dt>Konto</dt>
                <dd>{p.account}</dd>
              </div>
              <div>
                <dt>Status</dt>
                <dd>{label(cullState, p.state)}</dd>
              </div>
              <div>
                <dt>Regel</dt>
                <dd>
                  {p.months} månader ({p.rule})
                </dd>
              </div>
              <div>
                <dt>Raderas om skrivna före</dt>
                <dd>{when(p.deleted_before)}</dd>
              </div>
              <div>
                <dt>Föreslagen av</dt>
                <dd>{p.proposed_by || '–'}</dd>
              </div>
              <div>
                <dt>Bekräftad av</dt>
                <dd>{p.confirmed_by || '–'}</dd>
              </div>
              <div>
                <dt>Raderat för hand</dt>
                <dd>{p.by_hand ? 'Ja' : 'Nej'}</dd>
              </div>
              <div>
                <dt>Utfall</dt>
                <dd>
                  {Object.keys(p.counts || {}).length
                    ? Object.entries(p.counts)
                        .map(([k, n]) => `${label(platformOutcome, k)}: ${n}`)
                        .join(', ')
                    : 'Inga inlägg'}
                </dd>
              </div>
              <div>
                <dt>Raderade, SHA-256</dt>
                <dd>
                  <Hash v={p.list_sha256} />
                </dd>
              </div>
            </dl>
            {p.entries.length > 0 && (
              <Table caption={`Inlägg i körning ${run} på plattformen`} head={['Inlägg', 'Skrivet', 'Utfall', 'När', 'Detalj']}>
                {p.entries.map((e) => (
                  <tr key={e.platform_id}>
                    <th scope="row">{e.platform_id}</th>
                    <td>{when(e.written)}</td>
                    <td>{label(platformOutcome, e.outcome)}</td>
                    <td>{when(e.at)}</td>
                    <td class="clip">{e.detail || '–'}</td>
                  </tr>
                ))}
              </Table>
            )}
          </>
        )}
      </Show>
    </div>
  );
}

function Culls() {
  const pg = usePage<CullRun>('/culls');
  const [open, setOpen] = useState<number | null>(null);
  return (
    <Show l={pg.l}>
      {() => (
        <>
          {pg.rows.length === 0 ? (
            <p>Ingen gallring har körts.</p>
          ) : (
            <Table caption="Gallringskörningar" head={['Körning', 'Status', 'Tillämpad per', 'Av', 'Klar', 'Gallrat', 'SHA-256', 'Protokoll']}>
              {pg.rows.map((r) => (
                <tr key={r.run}>
                  <th scope="row">{r.run}</th>
                  <td>{label(cullState, r.state)}</td>
                  <td>{when(r.as_of)}</td>
                  <td>{r.by}</td>
                  <td>{when(r.finished_at)}</td>
                  <td>{r.removed}</td>
                  <td>
                    <Hash v={r.list_sha256} />
                  </td>
                  <td>
                    <button type="button" aria-expanded={open === r.run} onClick={() => setOpen(open === r.run ? null : r.run)}>
                      Visa protokoll<span class="sr-only"> för körning {r.run}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </Table>
          )}
          <More next={pg.next} onMore={pg.more} />
          {open !== null && <Protokoll run={open} onClose={() => setOpen(null)} />}
        </>
      )}
    </Show>
  );
}

function PlatformCulls({ accounts }: { accounts: Account[] }) {
  const pg = usePage<PlatformCullRun>('/platform-culls');
  const [open, setOpen] = useState<number | null>(null);
  const name = (id: number) => accounts.find((a) => a.id === id)?.handle || `konto ${id}`;
  return (
    <Show l={pg.l}>
      {() => (
        <>
          {pg.rows.length === 0 ? (
            <p>Ingen gallring på plattformen har körts.</p>
          ) : (
            <Table caption="Gallringar på plattformen" head={['Körning', 'Konto', 'Status', 'Månader', 'Tillämpad per', 'Föreslagen av', 'Bekräftad av', 'SHA-256', 'Protokoll']}>
              {pg.rows.map((r) => (
                <tr key={r.run}>
                  <th scope="row">{r.run}</th>
                  <td>{name(r.account_id)}</td>
                  <td>{label(cullState, r.state)}</td>
                  <td>{r.months}</td>
                  <td>{when(r.as_of)}</td>
                  <td>{r.proposed_by}</td>
                  <td>{r.confirmed_by || '–'}</td>
                  <td>
                    <Hash v={r.list_sha256} />
                  </td>
                  <td>
                    <button type="button" aria-expanded={open === r.run} onClick={() => setOpen(open === r.run ? null : r.run)}>
                      Visa protokoll<span class="sr-only"> för körning {r.run} på plattformen</span>
                    </button>
                  </td>
                </tr>
              ))}
            </Table>
          )}
          <More next={pg.next} onMore={pg.more} />
          {open !== null && <PlatformProtokoll run={open} onClose={() => setOpen(null)} />}
        </>
      )}
    </Show>
  );
}

// ---- Periodiska uttag, Utlämnanden, Arkivpaket ----

function stamp(s: Snapshot): ComponentChildren {
  if (!s.timestamp) return <Badge>Ingen tidsstämpel</Badge>;
  if (s.timestamp.state === 'stamped')
    return (
      <>
        <Badge kind="ok">Tidsstämplad</Badge>
        {s.timestamp.gen_time && <div class="muted">{when(s.timestamp.gen_time)}</div>}
      </>
    );
  return <Badge kind="warn">Väntar på tidsstämpel</Badge>;
}

function Snapshots() {
  const pg = usePage<Snapshot>('/snapshots');
  return (
    <Show l={pg.l}>
      {() => (
        <>
          {pg.rows.length === 0 ? (
            <p>Inga periodiska uttag är tagna.</p>
          ) : (
            <Table caption="Periodiska uttag" head={['Konto', 'Per dag', 'Fil', 'SHA-256', 'Tidsstämpel', 'Taget']}>
              {pg.rows.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{s.account}</th>
                  <td>{s.date}</td>
                  <td class="clip">
                    {s.file}
                    <div class="muted">
                      {s.pages} {s.pages === 1 ? 'sida' : 'sidor'}, {s.items} poster, {bytes(s.bytes)}
                    </div>
                  </td>
                  <td>
                    <Hash v={s.sha256} />
                  </td>
                  <td>{stamp(s)}</td>
                  <td>
                    {label(snapshotReason, s.reason)}, {s.taken_by}
                    <div class="muted">{when(s.taken_at)}</div>
                  </td>
                </tr>
              ))}
            </Table>
          )}
          <More next={pg.next} onMore={pg.more} />
        </>
      )}
    </Show>
  );
}

function Disclosures() {
  const pg = usePage<Disclosure>('/disclosures');
  return (
    <Show l={pg.l}>
      {() => (
        <>
          {pg.rows.length === 0 ? (
            <p>Inga utlämnanden är registrerade.</p>
          ) : (
            <Table caption="Utlämnanden" head={['Diarienummer', 'Konto', 'Begärt av', 'Poster', 'Maskat', 'Utlämnat', 'Manifest, SHA-256']}>
              {pg.rows.map((d) => (
                <tr key={d.id}>
                  <th scope="row">{d.ref}</th>
                  <td>{d.account}</td>
                  <td>{d.requester}</td>
                  <td>{d.items}</td>
                  <td>{d.masks && d.masks.length ? d.masks.map((m) => `${m.kind}: ${m.count}`).join(', ') : 'Inget'}</td>
                  <td>
                    {d.disclosed_by}
                    <div class="muted">{when(d.disclosed_at)}</div>
                  </td>
                  <td>
                    <Hash v={d.manifest_sha256} />
                  </td>
                </tr>
              ))}
            </Table>
          )}
          <More next={pg.next} onMore={pg.more} />
        </>
      )}
    </Show>
  );
}

function Packages() {
  const pg = usePage<ArchivePackage>('/packages');
  return (
    <Show l={pg.l}>
      {() => (
        <>
          {pg.rows.length === 0 ? (
            <p>Inga arkivpaket är levererade.</p>
          ) : (
            <Table caption="Arkivpaket" head={['Paket (OBJID)', 'Konto', 'Period', 'Innehåll', 'METS, SHA-256', 'Skapat']}>
              {pg.rows.map((p) => (
                <tr key={p.objid}>
                  <th scope="row" class="clip">
                    {p.objid}
                  </th>
                  <td>{p.account}</td>
                  <td>
                    {p.from} – {p.to}
                  </td>
                  <td>
                    {p.items} poster, {p.files} filer, {bytes(p.bytes)}
                  </td>
                  <td>
                    <Hash v={p.mets_sha256} />
                  </td>
                  <td>
                    {p.created_by}
                    <div class="muted">{when(p.created_at)}</div>
                  </td>
                </tr>
              ))}
            </Table>
          )}
          <More next={pg.next} onMore={pg.more} />
        </>
      )}
    </Show>
  );
}

// ---- the screen ----

export function Records() {
  const s = useSession();
  const accounts = useLoad(() => api.get<unknown>('/accounts', { limit: 500 }).then(itemsOf<Account>), []);
  const parts: [string, string][] = [
    ['gallringsplan', 'Gallringsplan'],
    ['sparrar', 'Spärrar'],
    ['gallringar', 'Gallringar'],
    ['uttag', 'Periodiska uttag'],
    ...(s.can('disclose') ? ([['utlamnanden', 'Utlämnanden']] as [string, string][]) : []),
    ['arkivpaket', 'Arkivpaket'],
  ];
  return (
    <section>
      <Title sub="Gallringsplanen, spärrar mot gallring, gallringsprotokollen, periodiska uttag, utlämnanden och arkivpaket. Gallring, uttag och paket görs vid servern; här läggs och hävs spärrar.">
        Arkiv
      </Title>
      <nav class="records-nav" aria-label="Delar av arkivet">
        <ul>
          {parts.map(([id, t]) => (
            <li key={id}>
              <a href={`#${id}`}>{t}</a>
            </li>
          ))}
        </ul>
      </nav>
      <Part id="gallringsplan" title="Gallringsplan" sub="Planen som gäller: vad som bevaras och vad som gallras när, med källan för varje regel.">
        <Plan />
      </Part>
      <Part id="sparrar" title="Spärrar" sub="Spärrar mot gallring för ett konto, ett ärende, ett inlägg eller en tråd.">
        <Holds />
      </Part>
      <Part id="gallringar" title="Gallringar" sub="Varje gallring i Kanalvakt med sitt gallringsprotokoll.">
        <Culls />
        <h3>På plattformen</h3>
        <PlatformCulls accounts={accounts.data || []} />
      </Part>
      <Part id="uttag" title="Periodiska uttag" sub="Kontonas uttag som PDF/A, med kontrollsumma och tidsstämpel.">
        <Snapshots />
      </Part>
      {s.can('disclose') && (
        <Part id="utlamnanden" title="Utlämnanden" sub="Utlämnade allmänna handlingar: vem som begärde, vad som lämnades ut och vad som maskades.">
          <Disclosures />
        </Part>
      )}
      <Part id="arkivpaket" title="Arkivpaket" sub="Leveranser till e-arkivet (FGS 2.0 / E-ARK SIP).">
        <Packages />
      </Part>
    </section>
  );
}
