// Trådvy: a post with its comments, each with its versions and the platform's
// events (edits, deletions, hidings), and the screening flags marked in the
// text. A flagged comment can be taken to a moderation case from here.
import { useState } from 'preact/hooks';
import { api, itemsOf } from '../api';
import { categories, eventLabel, isModerationFlag, kindLabel, label, itemState, when } from '../fmt';
import type { Case, Item, ItemDetail } from '../types';
import {
  ActionMessages,
  Badge,
  Categories,
  FlaggedText,
  Link,
  Show,
  Title,
  navigate,
  useAction,
  useLoad,
  useSession,
} from '../ui';

export function Thread({ id }: { id: string }) {
  const item = useLoad(() => api.get<ItemDetail>(`/items/${encodeURIComponent(id)}`), [id]);
  return (
    <section>
      <Show l={item}>
        {(it) => {
          // The thread as the API gives it leaves the item itself out: put it
          // back in its place by time.
          const self = { ...it, versions: it.versions ? it.versions.length : 1 } as unknown as Item;
          const thread = [...(it.thread || []).filter((t) => t.id !== it.id), self].sort(
            (a, b) => (a.created_at || a.captured_at).localeCompare(b.created_at || b.captured_at) || a.id - b.id,
          );
          const root = thread.find((t) => !t.parent) || null;
          const rest = thread.filter((t) => t !== root);
          return (
            <>
              <Title sub={`${it.account} · ${label(kindLabel, it.kind)} ${it.platform_id}`}>Tråd</Title>
              {root && root.id !== it.id && (
                <article class="post" aria-label="Inlägget">
                  <ItemBlock brief={root} selected={false} />
                </article>
              )}
              {root && root.id === it.id && (
                <article class="post" aria-label="Inlägget">
                  <DetailBlock d={it} />
                </article>
              )}
              <h2>Kommentarer ({rest.length})</h2>
              <ol class="thread">
                {rest.map((c) => (
                  <li key={c.id} class={`comment${c.parent && c.parent !== (root && root.platform_id) ? ' nested' : ''}${c.id === it.id ? ' selected' : ''}`}>
                    {c.id === it.id ? <DetailBlock d={it} /> : <ItemBlock brief={c} selected={false} />}
                  </li>
                ))}
              </ol>
            </>
          );
        }}
      </Show>
    </section>
  );
}

function Head({ i }: { i: Item | ItemDetail }) {
  return (
    <div class="card-head">
      <h3 class="card-title">
        {i.author || 'okänd'}{' '}
        <span class="muted">
          {label(kindLabel, i.kind)} · {when(i.created_at)} · {i.direction}
        </span>
      </h3>
      <span class="badges">
        {i.state !== 'visible' && <Badge kind="danger">{label(itemState, i.state)}</Badge>}
        <Categories value={i.categories} />
      </span>
    </div>
  );
}

/** A comment in the thread: opened in full on demand. */
function ItemBlock({ brief }: { brief: Item; selected: boolean }) {
  const [open, setOpen] = useState(false);
  const flagged = categories(brief.categories).some(isModerationFlag);
  return (
    <div>
      <Head i={brief} />
      {open ? <Detail id={brief.id} /> : <p class="item-text">{brief.text}</p>}
      <div class="actions">
        {!open && (
          <button type="button" onClick={() => setOpen(true)}>
            {flagged ? 'Öppna flaggad kommentar' : 'Visa versioner och händelser'}
            <span class="sr-only"> – {brief.author || 'okänd'}, {when(brief.created_at)}</span>
          </button>
        )}
        {brief.versions > 1 && <Badge kind="info">{brief.versions} versioner</Badge>}
      </div>
    </div>
  );
}

function Detail({ id }: { id: number }) {
  const d = useLoad(() => api.get<ItemDetail>(`/items/${id}`), [id]);
  return <Show l={d}>{(it) => <DetailBody d={it} />}</Show>;
}

function DetailBlock({ d }: { d: ItemDetail }) {
  return (
    <div>
      <Head i={d} />
      <DetailBody d={d} />
    </div>
  );
}

function DetailBody({ d }: { d: ItemDetail }) {
  const s = useSession();
  const a = useAction();
  const moderation = (d.flags || []).some((f) => f.category !== 'question' && f.category !== 'critical');
  const existing = useLoad(
    () =>
      s.can('case.read')
        ? api.get<unknown>('/cases', { account: d.account_id, limit: 500 }).then((v) => itemsOf<Case>(v).find((c) => c.item === d.id) || null)
        : Promise.resolve(null),
    [d.id],
  );
  const openCase = async () => {
    let made: Case | null = null;
    const ok = await a.run(async () => {
      made = await api.post<Case>('/cases', { item: d.id });
    });
    if (ok && made) navigate(`/arenden/${(made as Case).id}`);
  };
  return (
    <div class="detail">
      <FlaggedText text={d.text} flags={d.flags} />
      {d.flags && d.flags.length > 0 && (
        <details class="flags" open={moderation}>
          <summary>Flaggor ({d.flags.length})</summary>
          <ul>
            {d.flags.map((f, i) => (
              <li key={i}>
                <mark class="flag">{f.match}</mark> – <Categories value={f.category} /> <span class="muted">regel {f.rule}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {d.versions && d.versions.length > 1 && (
        <details class="versions">
          <summary>Versioner ({d.versions.length})</summary>
          <ol>
            {d.versions.map((v) => (
              <li key={v.version}>
                <p class="muted">
                  Version {v.version}, skriven {when(v.written_at)}, sparad {when(v.captured_at)}
                </p>
                <p class="item-text">{v.text}</p>
              </li>
            ))}
          </ol>
        </details>
      )}
      {d.events && d.events.length > 0 && (
        <div class="events">
          <h4>Händelser på plattformen</h4>
          <ul>
            {d.events.map((e, i) => (
              <li key={i}>
                <Badge kind={e.event === 'deleted' || e.event === 'hidden' ? 'danger' : 'info'}>{label(eventLabel, e.event)}</Badge>{' '}
                {when(e.at)}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div class="actions">
        {d.permalink && (
          <a href={d.permalink} rel="noopener noreferrer" target="_blank">
            Öppna på plattformen
          </a>
        )}
        {existing.data && (
          <Link href={`/arenden/${existing.data.id}`} class="button primary">
            Gå till ärende {existing.data.id}
          </Link>
        )}
        {s.can('case.decide') && d.direction === 'inkommen' && !existing.loading && !existing.data && (
          <button type="button" class={moderation ? 'primary' : ''} onClick={openCase} disabled={a.busy}>
            Öppna ärende
          </button>
        )}
        <Link href={`/sok?q=${encodeURIComponent(d.author || '')}`}>Sök på avsändaren</Link>
      </div>
      <ActionMessages a={a} />
    </div>
  );
}
