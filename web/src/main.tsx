// Kanalvakt's web UI: the session, the page frame (skip link, header, menu)
// and the routes to each screen. Paths are Swedish words; `serve` answers
// every one of them with index.html (the SPA fallback).
import { render } from 'preact';
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import './style.css';
import { api, ApiError, itemsOf, setCsrf, setUnauthorizedHandler } from './api';
import type { Me, Organisation, Person, Session } from './types';
import { Link, Loading, SessionCtx, navigate, useLocation } from './ui';
import type { SessionInfo } from './ui';
import { Login } from './screens/login';
import { Inbox } from './screens/inbox';
import { Thread } from './screens/thread';
import { CaseDetail, Cases } from './screens/cases';
import { Removed } from './screens/removed';
import { AccountDetail, Accounts } from './screens/accounts';
import { Search } from './screens/search';
import { Review } from './screens/review';
import { Alerts } from './screens/alerts';
import { StatsScreen } from './screens/stats';
import { Users } from './screens/users';
import { Policy } from './screens/policy';
import { ConsentDetail, Consents } from './screens/consents';
import { Gdpr } from './screens/gdpr';
import { DraftDetail, Drafts } from './screens/drafts';
import { PolicyDocs } from './screens/policydocs';
import { Vault } from './screens/vault';
import { Records } from './screens/records';

interface Route {
  path: string;
  label: string;
  perm: string;
}

/** The menu, in the order of a working day. */
const MENU: Route[] = [
  { path: '/inkorg', label: 'Inkorg', perm: 'item.read' },
  { path: '/arenden', label: 'Ärenden', perm: 'case.read' },
  { path: '/bevakning', label: 'Bevakning', perm: 'item.read' },
  { path: '/sok', label: 'Sök', perm: 'item.read' },
  { path: '/larm', label: 'Larm och krisläge', perm: 'item.read' },
  { path: '/borttaget', label: 'Borttaget-registret', perm: 'case.read' },
  { path: '/konton', label: 'Konton', perm: 'register.read' },
  { path: '/statistik', label: 'Statistik', perm: 'stats.read' },
  { path: '/anvandare', label: 'Användare och roller', perm: 'user.admin' },
  { path: '/policy', label: 'Policy', perm: 'register.read' },
  { path: '/styrdokument', label: 'Styrdokument', perm: 'register.read' },
  { path: '/utkast', label: 'Utkast', perm: 'publish' },
  { path: '/samtycken', label: 'Samtycken', perm: 'consent' },
  { path: '/gdpr', label: 'GDPR-förfrågningar', perm: 'gdpr' },
  { path: '/arkiv', label: 'Arkiv', perm: 'records' },
  { path: '/valv', label: 'Lösenordsvalvet', perm: 'vault' },
];

function screenFor(url: URL): ComponentChildren {
  const p = url.pathname.replace(/\/+$/, '') || '/';
  const m = p.match(/^\/([a-zåäö-]+)(?:\/([^/]+))?$/);
  const [, name, arg] = m || [];
  switch (name) {
    case 'inkorg':
      return <Inbox />;
    case 'trad':
      return arg ? <Thread id={decodeURIComponent(arg)} /> : null;
    case 'arenden':
      return arg ? <CaseDetail id={decodeURIComponent(arg)} /> : <Cases />;
    case 'borttaget':
      return <Removed />;
    case 'konton':
      return arg ? <AccountDetail id={decodeURIComponent(arg)} /> : <Accounts />;
    case 'sok':
      return <Search />;
    case 'bevakning':
      return <Review />;
    case 'larm':
      return <Alerts />;
    case 'statistik':
      return <StatsScreen />;
    case 'anvandare':
      return <Users />;
    case 'policy':
      return <Policy />;
    case 'styrdokument':
      return <PolicyDocs />;
    case 'utkast':
      return arg ? <DraftDetail id={decodeURIComponent(arg)} /> : <Drafts />;
    case 'samtycken':
      return arg ? <ConsentDetail id={decodeURIComponent(arg)} /> : <Consents />;
    case 'gdpr':
      return <Gdpr />;
    case 'valv':
      return <Vault />;
    case 'arkiv':
      return <Records />;
    default:
      return null;
  }
}

function NotFound() {
  return (
    <section>
      <h1 tabIndex={-1}>Sidan finns inte</h1>
      <p>
        <Link href="/inkorg">Till inkorgen</Link>
      </p>
    </section>
  );
}

function Frame({ s, children }: { s: SessionInfo; children: ComponentChildren }) {
  const url = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [url.pathname]);
  const items = MENU.filter((r) => s.can(r.perm));
  return (
    <div class="app">
      <a class="skip" href="#main">
        Hoppa till innehållet
      </a>
      <header class="topbar">
        <span class="brand">
          <span class="brand-mark" aria-hidden="true">
            K
          </span>
          Kanalvakt
          {s.org && <span class="org"> – {s.org.name}</span>}
        </span>
        {s.org?.crisis && (
          <Link href="/larm" class="crisis-flag">
            Krisläge pågår
          </Link>
        )}
        <button
          type="button"
          class="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="mainmenu"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Meny
        </button>
        <span class="who">
          <span class="who-name">{s.person?.name || s.me.name}</span>
          <span class="muted who-roles">{s.me.grants.map((g) => g.label).join(', ')}</span>
          <button type="button" class="link-button" onClick={s.logout}>
            Logga ut
          </button>
        </span>
      </header>
      <div class="body">
        <nav id="mainmenu" class={menuOpen ? 'menu open' : 'menu'} aria-label="Huvudmeny">
          <ul>
            {items.map((r) => {
              const here = url.pathname === r.path || url.pathname.startsWith(r.path + '/');
              return (
                <li key={r.path}>
                  <Link href={r.path} aria-current={here ? 'page' : undefined}>
                    {r.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}

function App() {
  const url = useLocation();
  const [me, setMe] = useState<Me | null>(null);
  const [checked, setChecked] = useState(false);
  const [org, setOrg] = useState<Organisation | null>(null);
  const [person, setPerson] = useState<Person | null>(null);
  const [expired, setExpired] = useState(false);

  const signedIn = (sess: Session) => {
    setCsrf(sess.csrf);
    setMe(sess.user);
    setExpired(false);
  };

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setMe(null);
      setCsrf(null);
      setExpired(true);
    });
    api.get<Session>('/session').then(
      (sess) => {
        signedIn(sess);
        setChecked(true);
      },
      () => setChecked(true),
    );
  }, []);

  // The organisation (for the header and signatures) and the user's own person.
  const loadOrg = () => {
    api.get<Organisation>('/organisation').then(setOrg, () => setOrg(null));
  };
  useEffect(() => {
    if (!me) return;
    const can = me.permissions.includes('register.read');
    if (!can) return;
    loadOrg();
    if (me.person !== null)
      api.get<unknown>('/people', { limit: 500 }).then(
        (v) => setPerson(itemsOf<Person>(v).find((p) => p.id === me.person) || null),
        () => setPerson(null),
      );
  }, [me]);

  const info = useMemo<SessionInfo | null>(() => {
    if (!me) return null;
    return {
      me,
      org,
      person,
      can: (perm) => me.permissions.includes(perm),
      refreshOrg: () => {
        if (me.permissions.includes('register.read')) loadOrg();
      },
      logout: () => {
        api.del('/session').catch((e) => {
          if (!(e instanceof ApiError)) throw e;
        }).finally(() => {
          setCsrf(null);
          setMe(null);
          setOrg(null);
          setPerson(null);
          navigate('/logga-in', true);
        });
      },
    };
  }, [me, org, person]);

  // Keep the address in step with the state: the login screen when logged out,
  // the inbox instead of the login screen once logged in.
  useEffect(() => {
    if (!checked) return;
    if (!me && url.pathname !== '/logga-in') {
      const back = url.pathname === '/' ? '' : `?till=${encodeURIComponent(url.pathname + url.search)}`;
      navigate('/logga-in' + back, true);
    } else if (me && (url.pathname === '/logga-in' || url.pathname === '/')) {
      const to = url.searchParams.get('till');
      navigate(to && to.startsWith('/') && !to.startsWith('//') ? to : '/inkorg', true);
    }
  }, [checked, me, url.pathname]);

  useEffect(() => {
    const screen = MENU.find((r) => url.pathname.startsWith(r.path));
    document.title = me ? `${screen ? screen.label + ' – ' : ''}Kanalvakt` : 'Logga in – Kanalvakt';
  }, [me, url.pathname]);

  if (!checked) return <Loading />;
  if (!me || !info) return <Login onSignedIn={signedIn} expired={expired} />;
  const screen = screenFor(url);
  return (
    <SessionCtx.Provider value={info}>
      <Frame s={info}>
        <div key={url.pathname} class="screen">
          {screen ?? <NotFound />}
        </div>
      </Frame>
    </SessionCtx.Provider>
  );
}

render(<App />, document.getElementById('app')!);
