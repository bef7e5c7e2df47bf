// Inkorg: questions to the kommun, overdue first, with the due time in
// Swedish working time; assign, forward, close, and answer with a standard
// text ending in the person's signature, warned when the answer copies
// earlier ones (Östhammar: a pasted identical answer reads as unengaged).
import { useEffect, useState } from 'preact/hooks';
import { api, itemsOf, nextOf } from '../api';
import { label, questionState, signature, when } from '../fmt';
import type { AnswerCheck, Person, PolicyEntry, Question, StandardText, Unit } from '../types';
import {
  ActionMessages,
  Badge,
  Categories,
  ErrorBox,
  Field,
  Link,
  Loading,
  Title,
  useAction,
  useLoad,
  useSession,
} from '../ui';

type Panel = 'answer' | 'assign' | 'forward' | 'close' | null;

export function Inbox() {
  const [state, setState] = useState('open');
  const [account, setAccount] = useState('');
  const [onlyOverdue, setOnlyOverdue] = useState(false);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useLoad(
    () =>
      api.get<unknown>('/inbox', {
        state,
        account,
        overdue: onlyOverdue ? 1 : undefined,
        cursor: cursor || undefined,
      }),
    [state, account, onlyOverdue, cursor],
  );
  const people = useLoad(() => api.get<unknown>('/people', { limit: 500 }).then(itemsOf<Person>), []);
  const units = useLoad(() => api.get<unknown>('/units', { limit: 500 }).then(itemsOf<Unit>), []);
  const questions = itemsOf<Question>(list.data);
  const overdue = questions.filter((q) => q.overdue).length;

  return (
    <section>
      <Title sub="Frågor till kommunen. Försenade först; tiderna räknas i arbetstid (svensk tid).">Inkorg</Title>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filtrera frågor">
        <Field label="Status">
          {(id) => (
            <select id={id} value={state} onChange={(e) => { setCursor(null); setState((e.target as HTMLSelectElement).value); }}>
              {['open', 'answered', 'forwarded', 'no_answer', 'referred', 'all'].map((s) => (
                <option key={s} value={s}>
                  {s === 'all' ? 'Alla' : label(questionState, s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Konto" hint="id, handtag eller plattform/handtag">
          {(id, d) => (
            <input id={id} aria-describedby={d} value={account} onChange={(e) => { setCursor(null); setAccount((e.target as HTMLInputElement).value.trim()); }} />
          )}
        </Field>
        <div class="field check">
          <input id="inbox-overdue" type="checkbox" checked={onlyOverdue} onChange={(e) => { setCursor(null); setOnlyOverdue((e.target as HTMLInputElement).checked); }} />
          <label for="inbox-overdue">Bara försenade</label>
        </div>
      </form>
      {list.error && <ErrorBox>{list.error}</ErrorBox>}
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <>
          <p role="status" class="summary">
            {questions.length === 0
              ? 'Inga frågor här.'
              : `${questions.length} ${questions.length === 1 ? 'fråga' : 'frågor'}${overdue ? `, varav ${overdue} försenade` : ''}.`}
          </p>
          <ol class="cards">
            {questions.map((q) => (
              <QuestionCard key={q.id} q={q} people={people.data || []} units={units.data || []} onChanged={list.reload} />
            ))}
          </ol>
          {nextOf(list.data) && (
            <button type="button" onClick={() => setCursor(nextOf(list.data))}>
              Visa fler
            </button>
          )}
        </>
      )}
    </section>
  );
}

function QuestionCard({
  q,
  people,
  units,
  onChanged,
}: {
  q: Question;
  people: Person[];
  units: Unit[];
  onChanged: () => void;
}) {
  const s = useSession();
  const [panel, setPanel] = useState<Panel>(null);
  const canWork = s.can('inbox.work');
  const headingId = `q-${q.id}-h`;
  const open = q.state === 'open' || q.state === 'forwarded';
  const toggle = (p: Panel) => setPanel(panel === p ? null : p);

  return (
    <li class={`card${q.overdue ? ' overdue' : ''}`} aria-labelledby={headingId}>
      <div class="card-head">
        <h2 id={headingId} class="card-title">
          Fråga från {q.author || 'okänd avsändare'} <span class="muted">på {q.account}</span>
        </h2>
        <span class="badges">
          {q.overdue && <Badge kind="danger">Försenad</Badge>}
          <Badge>{label(questionState, q.state)}</Badge>
          {q.referral && <Badge kind="info">Hänvisning</Badge>}
        </span>
      </div>
      <blockquote class="item-text">{q.text}</blockquote>
      <dl class="meta">
        <div>
          <dt>Inkom</dt>
          <dd>{when(q.arrived_at)}</dd>
        </div>
        <div>
          <dt>{q.overdue ? 'Skulle ha besvarats' : 'Ska besvaras senast'}</dt>
          <dd class={q.overdue ? 'danger' : ''}>{when(q.due_at)}</dd>
        </div>
        {q.assigned_to && (
          <div>
            <dt>Tilldelad</dt>
            <dd>{q.assigned_to}</dd>
          </div>
        )}
        {q.forwarded_to && (
          <div>
            <dt>Vidarebefordrad till</dt>
            <dd>
              {q.forwarded_to}
              {q.note ? ` – ${q.note}` : ''}
            </dd>
          </div>
        )}
        {q.answered_at && (
          <div>
            <dt>Besvarad</dt>
            <dd>
              {when(q.answered_at)}
              {q.response_hours !== null ? ` (${q.response_hours.toLocaleString('sv-SE', { maximumFractionDigits: 1 })} arbetstimmar)` : ''}
            </dd>
          </div>
        )}
      </dl>
      <Categories value={q.categories} />
      <div class="actions">
        <Link href={`/trad/${q.item}`}>Visa tråden</Link>
        {canWork && open && (
          <>
            <button type="button" class="primary" aria-expanded={panel === 'answer'} onClick={() => toggle('answer')}>
              Svara
            </button>
            <button type="button" aria-expanded={panel === 'assign'} onClick={() => toggle('assign')}>
              Tilldela
            </button>
            <button type="button" aria-expanded={panel === 'forward'} onClick={() => toggle('forward')}>
              Vidarebefordra
            </button>
            <button type="button" aria-expanded={panel === 'close'} onClick={() => toggle('close')}>
              Stäng
            </button>
          </>
        )}
      </div>
      {panel === 'answer' && <AnswerPanel q={q} onDone={() => { setPanel(null); onChanged(); }} />}
      {panel === 'assign' && <AssignPanel q={q} people={people} onDone={() => { setPanel(null); onChanged(); }} />}
      {panel === 'forward' && <ForwardPanel q={q} people={people} units={units} onDone={() => { setPanel(null); onChanged(); }} />}
      {panel === 'close' && <ClosePanel q={q} onDone={() => { setPanel(null); onChanged(); }} />}
    </li>
  );
}

/** The signature the handbook asks for, from the user's person and the policy template. */
function useSignature(account: string): string {
  const s = useSession();
  const [template, setTemplate] = useState<string | null>(null);
  useEffect(() => {
    api.get<unknown>('/policy', { account }).then(
      (v) => setTemplate(itemsOf<PolicyEntry>(v).find((e) => e.key === 'signature_template')?.value || null),
      () => setTemplate(null),
    );
  }, [account]);
  return signature({ name: s.person?.name || s.me.name, title: s.person?.title, org: s.org?.name }, template);
}

function AnswerPanel({ q, onDone }: { q: Question; onDone: () => void }) {
  const sig = useSignature(String(q.account_id));
  const texts = useLoad(() => api.get<unknown>('/standard-texts', { account: q.account_id }).then(itemsOf<StandardText>), [q.account_id]);
  const [chosen, setChosen] = useState('');
  const [text, setText] = useState('');
  const [copies, setCopies] = useState<AnswerCheck['copies'] | null>(null);
  const [confirmCopy, setConfirmCopy] = useState(false);
  const a = useAction();
  const base = `q-${q.id}-answer`;

  useEffect(() => {
    if (!text && sig) setText(`\n\n${sig}`);
  }, [sig]);

  const pick = (id: string) => {
    setChosen(id);
    const t = (texts.data || []).find((x) => String(x.id) === id);
    if (t) setText(`${t.text.trim()}\n\n${sig}`);
    setCopies(null);
    setConfirmCopy(false);
  };

  const send = async (e: Event) => {
    e.preventDefault();
    const body = text.trim();
    if (!body || body === sig) {
      a.clear();
      await a.run(() => Promise.reject(new Error('Skriv ett svar först.')));
      return;
    }
    // Warn before sending when the answer repeats earlier ones word for word.
    if (!confirmCopy) {
      let check: AnswerCheck | null = null;
      const ok = await a.run(async () => {
        check = await api.post<AnswerCheck>(`/inbox/${q.id}/answer/check`, { text: body });
      });
      if (!ok) return;
      const found = (check as AnswerCheck | null)?.copies || [];
      if (found.length) {
        setCopies(found);
        setConfirmCopy(true);
        return;
      }
    }
    // The server says how the answer went out: through the platform's API, or
    // recorded here while someone posts it on the platform by hand.
    const said = (r: unknown) =>
      (r as Question | null)?.answer_via === 'api'
        ? 'Svaret är publicerat på plattformen.'
        : 'Svaret är registrerat som besvarat. Kontot har ingen koppling för att svara: publicera svaret på plattformen för hand.';
    if (await a.run(() => api.post<Question>(`/inbox/${q.id}/answer`, { text: body }), said)) onDone();
  };
  const notServed = (e: string | null) => !!e && e.startsWith('Finns inte');

  return (
    <form class="panel" onSubmit={send} aria-label="Svara på frågan">
      {texts.error &&
        (notServed(texts.error) ? (
          <p class="msg msg-info">Servern har inga standardsvar ännu. Skriv svaret själv.</p>
        ) : (
          <ErrorBox>Standardsvaren kunde inte hämtas: {texts.error}</ErrorBox>
        ))}
      <div class="field">
        <label for={`${base}-std`}>Standardsvar</label>
        <select id={`${base}-std`} value={chosen} onChange={(e) => pick((e.target as HTMLSelectElement).value)}>
          <option value="">Välj ett standardsvar…</option>
          {(texts.data || []).map((t) => (
            <option key={t.id} value={String(t.id)}>
              {t.title}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${base}-text`}>Svar</label>
        <span class="hint" id={`${base}-hint`}>
          Anpassa svaret till frågan. Underskriften visar vem som svarar.
        </span>
        <textarea
          id={`${base}-text`}
          aria-describedby={`${base}-hint`}
          rows={7}
          value={text}
          onInput={(e) => {
            setText((e.target as HTMLTextAreaElement).value);
            setConfirmCopy(false);
            setCopies(null);
          }}
        />
      </div>
      {copies && copies.length > 0 && (
        <div class="msg msg-warn" role="alert">
          <p>
            <strong>Svaret är en kopia av tidigare svar.</strong> Samma text har skickats {copies.length}{' '}
            {copies.length === 1 ? 'gång' : 'gånger'} förut. Ett personligt formulerat svar visar att vi engagerar oss.
          </p>
          <ul>
            {copies.slice(0, 3).map((c) => (
              <li key={c.question}>
                {when(c.answered_at)}
                {c.answered_by ? ` av ${c.answered_by}` : ''}
              </li>
            ))}
          </ul>
          <p>Skriv om svaret, eller skicka ändå.</p>
        </div>
      )}
      {notServed(a.error) ? (
        <p class="msg msg-info" role="status">
          Kanalvakt kan ännu inte skicka svar. Kopiera svaret och skriv det på plattformen: frågan stängs när kontots svar har
          fångats.
        </p>
      ) : (
        <ActionMessages a={a} />
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={a.busy}>
          {confirmCopy ? 'Skicka ändå' : 'Skicka svar'}
        </button>
        {navigator.clipboard && (
          <button type="button" onClick={() => navigator.clipboard.writeText(text.trim()).then(() => a.clear())}>
            Kopiera svaret
          </button>
        )}
      </div>
    </form>
  );
}

function AssignPanel({ q, people, onDone }: { q: Question; people: Person[]; onDone: () => void }) {
  const [to, setTo] = useState('');
  const a = useAction();
  const id = `q-${q.id}-assign`;
  return (
    <form
      class="panel"
      aria-label="Tilldela frågan"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await a.run(() => api.post(`/inbox/${q.id}/assign`, { to }), 'Frågan är tilldelad.')) onDone();
      }}
    >
      <div class="field">
        <label for={id}>Tilldela till</label>
        <select id={id} value={to} required onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
          <option value="">Välj person…</option>
          {people.filter((p) => p.active).map((p) => (
            <option key={p.id} value={p.email}>
              {p.name}
              {p.title ? `, ${p.title}` : ''}
            </option>
          ))}
        </select>
      </div>
      <ActionMessages a={a} />
      <button type="submit" class="primary" disabled={a.busy || !to}>
        Tilldela
      </button>
    </form>
  );
}

function ForwardPanel({ q, people, units, onDone }: { q: Question; people: Person[]; units: Unit[]; onDone: () => void }) {
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const a = useAction();
  const id = `q-${q.id}-fwd`;
  return (
    <form
      class="panel"
      aria-label="Vidarebefordra frågan"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await a.run(() => api.post(`/inbox/${q.id}/forward`, { to, note }), 'Frågan är vidarebefordrad.')) onDone();
      }}
    >
      <div class="field">
        <label for={`${id}-to`}>Till person eller enhet</label>
        <select id={`${id}-to`} value={to} required onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
          <option value="">Välj…</option>
          <optgroup label="Enheter">
            {units.filter((u) => !u.closed_on).map((u) => (
              <option key={'u' + u.id} value={u.name}>
                {u.name}
              </option>
            ))}
          </optgroup>
          <optgroup label="Personer">
            {people.filter((p) => p.active).map((p) => (
              <option key={'p' + p.id} value={p.email}>
                {p.name}
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      <div class="field">
        <label for={`${id}-note`}>Meddelande</label>
        <textarea id={`${id}-note`} rows={3} required value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
      </div>
      <ActionMessages a={a} />
      <button type="submit" class="primary" disabled={a.busy || !to || !note.trim()}>
        Vidarebefordra
      </button>
    </form>
  );
}

function ClosePanel({ q, onDone }: { q: Question; onDone: () => void }) {
  const [as, setAs] = useState('no_answer');
  const [reason, setReason] = useState('');
  const a = useAction();
  const id = `q-${q.id}-close`;
  return (
    <form
      class="panel"
      aria-label="Stäng frågan"
      onSubmit={async (e) => {
        e.preventDefault();
        const body: Record<string, string> = { as };
        if (reason.trim()) body.reason = reason.trim();
        if (await a.run(() => api.post(`/inbox/${q.id}/close`, body), 'Frågan är stängd.')) onDone();
      }}
    >
      <div class="field">
        <label for={`${id}-as`}>Stäng som</label>
        <select id={`${id}-as`} value={as} onChange={(e) => setAs((e.target as HTMLSelectElement).value)}>
          <option value="answered">Besvarad (utanför Kanalvakt)</option>
          <option value="no_answer">Inget svar behövs</option>
          <option value="referred">Hänvisad</option>
        </select>
      </div>
      <div class="field">
        <label for={`${id}-reason`}>Motivering</label>
        <input id={`${id}-reason`} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      </div>
      <ActionMessages a={a} />
      <button type="submit" class="primary" disabled={a.busy}>
        Stäng frågan
      </button>
    </form>
  );
}
