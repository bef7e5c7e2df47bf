// Shared pieces of every screen: navigation without reloads, loading data,
// error and status messages that screen readers announce, the flagged text.
import type { ComponentChildren, JSX } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from './api';
import { category, isModerationFlag, segments } from './fmt';
import type { Flag } from './fmt';
import type { Me, Organisation, Person } from './types';

// ---- navigation ----

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event('kv-navigate'));
}

export function useLocation(): URL {
  const [url, setUrl] = useState(() => new URL(location.href));
  useEffect(() => {
    const on = () => setUrl(new URL(location.href));
    window.addEventListener('popstate', on);
    window.addEventListener('kv-navigate', on);
    return () => {
      window.removeEventListener('popstate', on);
      window.removeEventListener('kv-navigate', on);
    };
  }, []);
  return url;
}

export function Link(props: JSX.HTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { href, onClick, ...rest } = props;
  return (
    <a
      href={href}
      {...rest}
      onClick={(e) => {
        if (onClick) (onClick as (e: MouseEvent) => void)(e as unknown as MouseEvent);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        navigate(href);
      }}
    />
  );
}

// ---- the logged-in user ----

export interface SessionInfo {
  me: Me;
  org: Organisation | null;
  person: Person | null;
  can: (perm: string) => boolean;
  logout: () => void;
  /** Reads the organisation again (its crisis flag shows in the header). */
  refreshOrg: () => void;
}

export const SessionCtx = createContext<SessionInfo | null>(null);

export function useSession(): SessionInfo {
  const s = useContext(SessionCtx);
  if (!s) throw new Error('no session');
  return s;
}

// ---- loading ----

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    fn().then(
      (v) => {
        if (!live) return;
        setData(v);
        setError(null);
        setLoading(false);
      },
      (e) => {
        if (!live) return;
        setError(describeError(e));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** Runs an action, keeps its error or success message for the screen. */
export function useAction(): {
  busy: boolean;
  error: string | null;
  done: string | null;
  run: (fn: () => Promise<unknown>, ok?: string | ((result: unknown) => string)) => Promise<boolean>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = useCallback(async (fn: () => Promise<unknown>, ok?: string | ((result: unknown) => string)) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const result = await fn();
      setDone((typeof ok === 'function' ? ok(result) : ok) || null);
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => {
    setError(null);
    setDone(null);
  }, []);
  return { busy, error, done, run, clear };
}

// ---- messages ----

export function ErrorBox({ children }: { children: ComponentChildren }) {
  if (!children) return null;
  return (
    <p class="msg msg-error" role="alert">
      {children}
    </p>
  );
}

export function Done({ children }: { children: ComponentChildren }) {
  return (
    <p class="msg msg-ok" role="status">
      {children}
    </p>
  );
}

export function ActionMessages({ a }: { a: { error: string | null; done: string | null } }) {
  return (
    <div aria-live="polite">
      {a.error && <ErrorBox>{a.error}</ErrorBox>}
      {a.done && <Done>{a.done}</Done>}
    </div>
  );
}

export function Loading() {
  return (
    <p class="muted" role="status">
      Hämtar…
    </p>
  );
}

export function Show<T>({
  l,
  children,
}: {
  l: Loaded<T>;
  children: (data: T) => ComponentChildren;
}) {
  if (l.error) return <ErrorBox>{l.error}</ErrorBox>;
  if (l.data === null) return <Loading />;
  return <>{children(l.data)}</>;
}

/** The screen's heading; takes the focus when the screen opens. */
export function Title({ children, sub }: { children: ComponentChildren; sub?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: false });
  }, []);
  return (
    <header class="page-head">
      <h1 tabIndex={-1} ref={ref}>
        {children}
      </h1>
      {sub && <p class="muted">{sub}</p>}
    </header>
  );
}

export function Badge({ kind, children }: { kind?: string; children: ComponentChildren }) {
  return <span class={`badge ${kind ? 'badge-' + kind : ''}`}>{children}</span>;
}

export function Categories({ value }: { value: string | null | undefined }) {
  if (!value) return null;
  return (
    <span class="cats">
      {value
        .split(',')
        .filter(Boolean)
        .map((c) => (
          <Badge key={c} kind={isModerationFlag(c) ? 'flag' : 'info'}>
            {category(c)}
          </Badge>
        ))}
    </span>
  );
}

/** The text with each flagged span marked, and the rule named for screen readers. */
export function FlaggedText({ text, flags }: { text: string; flags?: Flag[] | null }) {
  return (
    <p class="item-text">
      {segments(text, flags).map((s, i) =>
        s.flag ? (
          <mark key={i} class={isModerationFlag(s.flag.category) ? 'flag' : 'flag-info'} title={category(s.flag.category)}>
            {s.text}
            <span class="sr-only"> (flaggat: {category(s.flag.category)})</span>
          </mark>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </p>
  );
}

let fieldSeq = 0;
export function useId(prefix = 'f'): string {
  const ref = useRef<string>('');
  if (!ref.current) ref.current = `${prefix}-${++fieldSeq}`;
  return ref.current;
}

export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: string;
  children: (id: string, describedBy?: string) => ComponentChildren;
}) {
  const id = useId();
  const hintId = hint ? id + '-hint' : undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && (
        <span class="hint" id={hintId}>
          {hint}
        </span>
      )}
      {children(id, hintId)}
    </div>
  );
}
