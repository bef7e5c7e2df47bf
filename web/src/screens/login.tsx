// Inloggning: a local user's name and password (POST /session), and single
// sign-on through the kommun's identity provider when the server has [oidc]
// (GET /session/methods says so; GET /session/oidc starts it).
import { useEffect, useState } from 'preact/hooks';
import { API, api, describeError } from '../api';
import type { Session } from '../types';
import { ErrorBox } from '../ui';

export function Login({ onSignedIn, expired }: { onSignedIn: (s: Session) => void; expired: boolean }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sso, setSso] = useState(false);

  useEffect(() => {
    api
      .get<{ password: boolean; sso: boolean }>('/session/methods')
      .then((m) => setSso(m.sso))
      .catch(() => setSso(false));
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!username || !password) {
      setError('Fyll i både användarnamn och lösenord.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const s = await api.post<Session>('/session', { username, password });
      setPassword('');
      onSignedIn(s);
    } catch (err) {
      const msg = describeError(err);
      setError(
        msg.startsWith('Du är inte inloggad') ? 'Fel användarnamn eller lösenord.' : msg,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <div class="login-card">
        <p class="brand">
          <span class="brand-mark" aria-hidden="true">
            K
          </span>
          Kanalvakt
        </p>
        <h1>Logga in</h1>
        {expired && (
          <p class="msg msg-info" role="status">
            Du har loggats ut. Logga in igen för att fortsätta.
          </p>
        )}
        <form onSubmit={submit} noValidate>
          <div class="field">
            <label for="login-user">Användarnamn</label>
            <input
              id="login-user"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellcheck={false}
              required
              value={username}
              onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
            />
          </div>
          <div class="field">
            <label for="login-password">Lösenord</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            />
          </div>
          <ErrorBox>{error}</ErrorBox>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Loggar in…' : 'Logga in'}
          </button>
        </form>
        {sso && (
          <div class="login-sso">
            <p class="muted">eller</p>
            <a class="button" href={`${API}/session/oidc`}>
              Logga in med kommunens konto
            </a>
          </div>
        )}
      </div>
    </main>
  );
}
