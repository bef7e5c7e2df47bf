// Sök: full-text search in Swedish (å, ä, ö are letters; "fraser", prefix*,
// -utelämnat), with filters for account, direction, kind, category and time.
import { useState } from 'preact/hooks';
import { api, itemsOf, nextOf } from '../api';
import { category, categoryLabel, kindLabel, label, when } from '../fmt';
import type { Item } from '../types';
import { Categories, ErrorBox, Field, Link, Loading, Title, navigate, useLoad, useLocation } from '../ui';

const FILTERS = ['q', 'account', 'direction', 'kind', 'category', 'flagged', 'from', 'to'] as const;

export function Search() {
  const url = useLocation();
  const params: Record<string, string> = {};
  for (const k of FILTERS) params[k] = url.searchParams.get(k) || '';
  const [form, setForm] = useState(params);
  const [cursor, setCursor] = useState<string | null>(null);
  const key = FILTERS.map((k) => params[k]).join('|');
  const res = useLoad(
    () => (params.q ? api.get<unknown>('/search', { ...params, cursor: cursor || undefined }) : Promise.resolve(null)),
    [key, cursor],
  );
  const set = (k: string) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  const submit = (e: Event) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const k of FILTERS) if (form[k]) p.set(k, form[k]);
    setCursor(null);
    navigate(`/sok?${p.toString()}`);
  };
  const items = itemsOf<Item>(res.data);
  return (
    <section>
      <Title sub={'Sök i allt som fångats. "Exakt fras", ord* för början av ord, -ord för att utesluta.'}>Sök</Title>
      <form role="search" class="search-form" onSubmit={submit}>
        <div class="field grow">
          <label for="search-q">Sökord</label>
          <input id="search-q" type="search" value={form.q} onInput={set('q')} />
        </div>
        <Field label="Konto">{(id) => <input id={id} value={form.account} onInput={set('account')} />}</Field>
        <Field label="Riktning">
          {(id) => (
            <select id={id} value={form.direction} onChange={set('direction')}>
              <option value="">Alla</option>
              <option value="inkommen">Inkommen</option>
              <option value="upprattad">Upprättad</option>
            </select>
          )}
        </Field>
        <Field label="Typ">
          {(id) => (
            <select id={id} value={form.kind} onChange={set('kind')}>
              <option value="">Alla</option>
              {Object.keys(kindLabel).map((k) => (
                <option key={k} value={k}>
                  {kindLabel[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Kategori">
          {(id) => (
            <select id={id} value={form.category} onChange={set('category')}>
              <option value="">Alla</option>
              {Object.keys(categoryLabel).map((k) => (
                <option key={k} value={k}>
                  {category(k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Från">{(id) => <input id={id} type="date" value={form.from} onInput={set('from')} />}</Field>
        <Field label="Till">{(id) => <input id={id} type="date" value={form.to} onInput={set('to')} />}</Field>
        <div class="field check">
          <input id="search-flagged" type="checkbox" checked={form.flagged === '1'} onChange={(e) => setForm({ ...form, flagged: (e.target as HTMLInputElement).checked ? '1' : '' })} />
          <label for="search-flagged">Bara flaggade</label>
        </div>
        <button type="submit" class="primary">
          Sök
        </button>
      </form>
      {res.error && <ErrorBox>{res.error}</ErrorBox>}
      {res.loading && params.q && <Loading />}
      {res.data !== null && !res.loading && (
        <>
          <p role="status" class="summary">
            {items.length === 0 ? `Inga träffar för ”${params.q}”.` : `${items.length} träffar för ”${params.q}”, nyast först.`}
          </p>
          <ol class="results">
            {items.map((i) => (
              <li key={i.id} class="card">
                <div class="card-head">
                  <h2 class="card-title">
                    <Link href={`/trad/${i.id}`}>
                      {i.author || 'okänd'} – {label(kindLabel, i.kind)}
                    </Link>{' '}
                    <span class="muted">
                      {i.account} · {when(i.created_at)} · {i.direction}
                    </span>
                  </h2>
                  <Categories value={i.categories} />
                </div>
                <p class="item-text">{i.text}</p>
              </li>
            ))}
          </ol>
          {nextOf(res.data) && (
            <button type="button" onClick={() => setCursor(nextOf(res.data))}>
              Visa fler
            </button>
          )}
        </>
      )}
    </section>
  );
}
