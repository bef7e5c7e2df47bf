// A working day in Kanalvakt's web UI, in a real browser against a real
// `kanalvakt serve` on loopback, over a data directory seeded through the
// CLI (tests/browser/seed.sh) with the clock pinned so that a question is
// overdue. A redaktör answers the overdue question with a standard text; a
// moderator opens the flagged comment, saves the evidence and decides to
// hide it; a second moderator confirms (four eyes); then search, every other
// screen, a phone-sized screen, and logging out. Every screen is
// photographed and checked with axe-core (WCAG 2.1 A and AA): no serious or
// critical violation may remain.
import { test, expect } from '@playwright/test';
import type { Page, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.KANALVAKT_BIN || '';
const SRC = process.env.KV_SOURCE_DIR || '';
const ART = process.env.KV_ARTIFACTS || 'test-results';
const NOW = '2026-11-20T10:00:00+01:00';
const PASSWORD = 'Sommar-i-Testvik-2026';

test.describe.configure({ mode: 'serial' });

let server: ChildProcess | null = null;
let data = '';
let base = '';
let openapi: { paths?: Record<string, Record<string, unknown>> } = {};
let shotNo = 0;
const axeSummary: Record<string, { violations: number; serious_or_critical: string[] }> = {};

function served(method: string, path: string): boolean {
  const p = openapi.paths?.[path];
  return !!p && !!p[method.toLowerCase()] && !(p[method.toLowerCase()] as Record<string, unknown>)['x-proposed'];
}

test.beforeAll(async () => {
  expect(BIN, 'KANALVAKT_BIN names the binary').not.toBe('');
  data = mkdtempSync(join(tmpdir(), 'kv-browser-'));
  const env = { ...process.env, KANALVAKT_NOW: NOW, KV_TEST_PASSWORD: PASSWORD };
  const seed = spawnSync('bash', [join(SRC, 'tests/browser/seed.sh'), BIN, data, SRC], { env, encoding: 'utf8' });
  if (seed.status !== 0) throw new Error(`seeding failed (${seed.status}):\n${seed.stderr}\n${seed.stdout}`);
  server = spawn(BIN, ['--data-dir', data, 'serve', '--listen', '127.0.0.1:0', '--web', join(SRC, 'web/dist')], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${log}`)), 15_000);
    server!.stderr!.on('data', (b: Buffer) => {
      log += b.toString();
      const m = log.match(/listening on .*\(port (\d+)\)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server!.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${log}`)));
  });
  base = `http://127.0.0.1:${port}`;
  const res = await fetch(`${base}/api/v1/openapi.json`);
  if (res.ok) openapi = await res.json();
  mkdirSync(join(ART, 'screenshots'), { recursive: true });
  mkdirSync(join(ART, 'axe'), { recursive: true });
});

test.afterAll(async () => {
  mkdirSync(join(ART, 'axe'), { recursive: true });
  writeFileSync(join(ART, 'axe', 'summary.json'), JSON.stringify(axeSummary, null, 2));
  if (server && server.exitCode === null) {
    const done = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await done;
  }
  if (data) rmSync(data, { recursive: true, force: true });
});

/** Fails the test on any page error or refused CSP, for the whole page's life. */
function watch(page: Page): void {
  page.on('pageerror', (e) => {
    throw new Error(`page error: ${e.message}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text()))
      throw new Error(`CSP violation: ${m.text()}`);
  });
}

/** A screenshot of the screen as it is, and axe-core over it. */
async function screen(page: Page, name: string, info: TestInfo): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expect(page.getByRole('status').filter({ hasText: 'Hämtar…' })).toHaveCount(0);
  const file = join(ART, 'screenshots', `${String(++shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await info.attach(name, { path: file, contentType: 'image/png' });
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  writeFileSync(join(ART, 'axe', `${name}.json`), JSON.stringify(r.violations, null, 2));
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  axeSummary[name] = { violations: r.violations.length, serious_or_critical: bad.map((v) => `${v.id}: ${v.help}`) };
  expect(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    `axe on ${name}`,
  ).toEqual([]);
}

async function login(page: Page, user: string): Promise<void> {
  await page.goto(`${base}/`);
  await expect(page.getByRole('heading', { name: 'Logga in' })).toBeVisible();
  await page.getByLabel('Användarnamn').fill(user);
  await page.getByLabel('Lösenord').fill(PASSWORD);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Inkorg' })).toBeVisible();
}

async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await expect(page.getByRole('heading', { name: 'Logga in' })).toBeVisible();
}

async function go(page: Page, menu: string, heading: string | RegExp): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
  if (!(await nav.isVisible())) await page.getByRole('button', { name: 'Meny' }).click();
  await nav.getByRole('link', { name: menu, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
}

test('inloggning: a wrong password is refused, the right one opens the inbox', async ({ page }, info) => {
  watch(page);
  await page.goto(`${base}/inkorg`);
  await expect(page).toHaveURL(/\/logga-in/);
  await expect(page.getByRole('heading', { name: 'Logga in' })).toBeVisible();
  await screen(page, 'inloggning', info);
  await page.getByLabel('Användarnamn').fill('eva');
  await page.getByLabel('Lösenord').fill('fel-lösenord');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText(/Fel användarnamn eller lösenord|För många försök/);
  // Keyboard only: the fields and the button are reached by Tab, in order.
  await page.getByLabel('Användarnamn').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Lösenord')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Logga in' })).toBeFocused();
  await page.getByLabel('Lösenord').fill(PASSWORD);
  await page.getByLabel('Lösenord').press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Inkorg' })).toBeVisible();
  await expect(page).toHaveURL(/\/inkorg$/);
});

test('inloggning: single sign-on is offered only when the server has it', async ({ page }, info) => {
  watch(page);
  // This server has no [oidc]: the password form only.
  const methods = page.waitForResponse((r) => r.url().endsWith('/api/v1/session/methods'));
  await page.goto(`${base}/`);
  expect(await (await methods).json()).toEqual({ password: true, sso: false });
  await expect(page.getByRole('heading', { name: 'Logga in' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Logga in med kommunens konto' })).toHaveCount(0);
  // A server with [oidc] says so in /session/methods: the button leads to the provider's login.
  await page.route('**/api/v1/session/methods', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: '{"password":true,"sso":true}' }),
  );
  await page.reload();
  const sso = page.getByRole('link', { name: 'Logga in med kommunens konto' });
  await expect(sso).toBeVisible();
  await expect(sso).toHaveAttribute('href', '/api/v1/session/oidc');
  await screen(page, 'inloggning-sso', info);
  await page.unroute('**/api/v1/session/methods');
});

test('inkorg: the redaktör sees the overdue question first, due in Swedish working time', async ({ page }, info) => {
  watch(page);
  await login(page, 'eva');
  const cards = page.locator('ol.cards > li');
  await expect(cards).toHaveCount(2);
  const first = cards.first();
  await expect(first).toContainText('Olof Berg');
  await expect(first).toContainText('Var kan jag lämna grenar');
  await expect(first.getByText('Försenad', { exact: true })).toBeVisible();
  // Arrived Wed 18 Nov 14:05, due one working day later, shown in Stockholm time.
  await expect(first).toContainText('tors 19 nov. 2026 14:05');
  await expect(cards.nth(1)).toContainText('Kim Berg');
  await expect(cards.nth(1).getByText('Försenad', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'frågor' })).toContainText('varav 1 försenade');
  await screen(page, 'inkorg', info);
  // Assign the other question to oneself's colleague.
  await cards.nth(1).getByRole('button', { name: 'Tilldela' }).click();
  await cards.nth(1).getByLabel('Tilldela till').selectOption({ label: 'Maja Sund, Webbredaktör' });
  await cards.nth(1).getByRole('button', { name: 'Tilldela', exact: true }).last().click();
  await expect(page.locator('ol.cards > li').nth(1)).toContainText('maja.sund@testvik.se');
});

test('inkorg: the answer starts with the redaktör\'s signature as ÖS shows it', async ({ page }, info) => {
  watch(page);
  await login(page, 'eva');
  const first = page.locator('ol.cards > li').first();
  await first.getByRole('button', { name: 'Svara' }).click();
  const answer = first.getByLabel('Svar', { exact: true });
  await expect(answer).toHaveValue(/Vänliga hälsningar, Eva, kommunikatör på Testviks kommun$/);
  await screen(page, 'inkorg-svar', info);
  if (served('POST', '/inbox/{id}/answer/check')) {
    // Pasting the answer given to Maja earlier (captured from the account) is warned of.
    await answer.fill('Hej Maja! Kärlen i Björkby töms varannan tisdag till och med november. Vänliga hälsningar, Eva, kommunikatör på Testviks kommun');
    await first.getByRole('button', { name: 'Skicka svar' }).click();
    await expect(first.getByRole('alert')).toContainText('Svaret är en kopia av tidigare svar.');
    await expect(first.getByRole('alert')).toContainText('mån 16 nov. 2026 11:00');
    await expect(first.getByRole('button', { name: 'Skicka ändå' })).toBeVisible();
    await screen(page, 'inkorg-kopia', info);
  }
  if (!served('POST', '/inbox/{id}/answer')) {
    // Until the server takes answers, the UI says so and changes nothing.
    await answer.fill('Hej Olof! Grenar och ris tas emot på återvinningscentralen.\n\nVänliga hälsningar, Eva, kommunikatör på Testviks kommun');
    await first.getByRole('button', { name: 'Skicka svar' }).click();
    await expect(first.getByText('Kanalvakt kan ännu inte skicka svar.')).toBeVisible();
    await expect(page.locator('ol.cards > li').first()).toContainText('Olof Berg');
  }
});

test('inkorg: the redaktör answers with a standard text and her signature', async ({ page }, info) => {
  test.skip(
    !served('GET', '/standard-texts') || !served('POST', '/inbox/{id}/answer') || !served('POST', '/inbox/{id}/answer/check'),
    'the API does not serve GET /standard-texts, POST /inbox/{id}/answer and /answer/check yet (proposed in docs/api/openapi.json)',
  );
  watch(page);
  await login(page, 'eva');
  const first = page.locator('ol.cards > li').first();
  await first.getByRole('button', { name: 'Svara' }).click();
  const std = first.getByLabel('Standardsvar');
  // The placeholder and the two seeded texts (one for every account, one for this account); they load after the panel opens.
  await expect(std.locator('option')).toHaveCount(3);
  await expect(std.locator('option')).toHaveText(['Välj ett standardsvar…', 'Bibliotekets öppettider', 'Skickat vidare']);
  await std.selectOption({ index: 1 });
  const answer = first.getByLabel('Svar', { exact: true });
  await expect(answer).toHaveValue(/Vänliga hälsningar, Eva, kommunikatör på Testviks kommun$/);
  await screen(page, 'inkorg-standardsvar', info);
  await first.getByRole('button', { name: 'Skicka svar' }).click();
  // The panel closes once the answer is taken (its message goes with it): the question leaves the open list.
  await expect(page.locator('ol.cards > li')).toHaveCount(1);
  await expect(page.locator('ol.cards > li').first()).not.toContainText('Olof Berg');
});

test('ärenden: the moderator opens the flagged comment, saves evidence and decides to hide', async ({ page }, info) => {
  watch(page);
  await login(page, 'mona');
  await go(page, 'Ärenden', 'Ärenden');
  const row = page.getByRole('row').filter({ hasText: 'borde skjutas' });
  await expect(row).toHaveCount(1);
  await screen(page, 'arenden', info);
  await row.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: /^Ärende \d+$/ })).toBeVisible();
  // The flagged words are marked in the text.
  await expect(page.locator('p.item-text mark.flag').filter({ hasText: 'borde skjutas' })).toBeVisible();
  await expect(page.locator('p.item-text mark.flag').filter({ hasText: 'idiot' })).toBeVisible();
  // The thread: the post, its comments, the flagged one highlighted.
  await page.getByRole('link', { name: 'Visa i tråden' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tråd' })).toBeVisible();
  await expect(page.getByRole('article', { name: 'Inlägget' })).toContainText('trädgårdsavfall');
  const selected = page.locator('li.comment.selected');
  await expect(selected.locator('p.item-text mark.flag').filter({ hasText: 'borde skjutas' })).toBeVisible();
  await expect(selected.getByText('Olaga hot').first()).toBeVisible();
  // An edited comment keeps its versions; a comment deleted on the platform stays, marked.
  const edited = page.locator('li.comment').filter({ hasText: 'Alva Lind' });
  await expect(edited.getByText('2 versioner')).toBeVisible();
  await edited.getByRole('button', { name: /Visa versioner och händelser/ }).click();
  await edited.getByText('Versioner (2)').click();
  await expect(edited.locator('.versions')).toContainText('Version 1, skriven tors 19 nov. 2026 16:20');
  await expect(edited.locator('.versions')).toContainText('Vi har redan fyllt två säckar.');
  const deleted = page.locator('li.comment').filter({ hasText: 'Billiga Trädgårdsmaskiner AB' });
  await expect(deleted.getByText('Raderad', { exact: true })).toBeVisible();
  await deleted.getByRole('button', { name: /Öppna flaggad kommentar/ }).click();
  await expect(deleted.getByText('Raderad på plattformen')).toBeVisible();
  await expect(deleted.locator('p.item-text mark.flag').first()).toBeVisible();
  await screen(page, 'trad', info);
  await selected.getByRole('link', { name: /Gå till ärende/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Ärende \d+$/ })).toBeVisible();
  await screen(page, 'arende', info);
  // Hiding without evidence is refused by the server.
  await page.getByLabel('Dölj').check();
  await page.getByRole('button', { name: 'Besluta' }).click();
  await expect(page.getByRole('alert')).toContainText(/bevis|evidence/i);
  await page.getByRole('button', { name: 'Spara bevis' }).click();
  await expect(page.getByText('Beviset är sparat.')).toBeVisible();
  await expect(page.getByText(/SHA-256 [0-9a-f]{64}/)).toBeVisible();
  await page.getByLabel('Dölj').check();
  await page.getByLabel('Motivering').fill('Olaga hot mot en handläggare');
  await page.getByLabel('Utförs för hand på plattformen').check();
  await page.getByRole('button', { name: 'Besluta' }).click();
  await expect(page.getByText('Beslutet är registrerat.')).toBeVisible();
  await expect(page.getByText('Väntar på bekräftelse', { exact: true })).toBeVisible();
  await expect(page.getByText('Du fattade beslutet och kan inte själv bekräfta det.')).toBeVisible();
  await screen(page, 'arende-vantar', info);
  await logout(page);
});

test('ärenden: a second moderator confirms the hide (four eyes)', async ({ page }, info) => {
  watch(page);
  await login(page, 'maja');
  await go(page, 'Ärenden', 'Ärenden');
  await page.getByRole('row').filter({ hasText: 'borde skjutas' }).getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Bekräfta (fyra ögon)' })).toBeVisible();
  await page.getByLabel('Utförs för hand på plattformen').check();
  await page.getByRole('button', { name: 'Bekräfta beslutet' }).click();
  await expect(page.getByText('Beslutet är bekräftat.')).toBeVisible();
  await expect(page.locator('.badges').getByText('Dolt', { exact: true })).toBeVisible();
  // Decided by one, confirmed by the other: both names on the case.
  await expect(page.locator('dl.meta div').filter({ hasText: 'Beslut' }).first()).toContainText('av mona');
  await expect(page.locator('dl.meta div').filter({ hasText: 'Bekräftat' })).toContainText('av maja');
  await go(page, 'Borttaget-registret', 'Borttaget-registret');
  await expect(page.getByRole('row').filter({ hasText: 'borde skjutas' })).toContainText('Dolt');
  await screen(page, 'borttaget', info);
});

test('sök: Swedish search with filters', async ({ page }, info) => {
  watch(page);
  await login(page, 'mona');
  await go(page, 'Sök', 'Sök');
  await page.getByLabel('Sökord').fill('trädgårdsavfall');
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await expect(page).toHaveURL(/q=tr%C3%A4dg%C3%A5rdsavfall/);
  const results = page.locator('ol.results > li');
  await expect(results.first()).toContainText('trädgårdsavfall');
  await screen(page, 'sok', info);
  // A filter that leaves the account's own post out.
  await page.getByLabel('Riktning').selectOption('inkommen');
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'träffar' })).toBeVisible();
  for (const t of await page.locator('ol.results > li').allTextContents()) expect(t).toContain('inkommen');
});

test('the other screens: konton, bevakning, larm, statistik, användare, policy', async ({ page }, info) => {
  watch(page);
  await login(page, 'ali');
  await go(page, 'Konton', 'Konton');
  await expect(page.getByRole('link', { name: 'Testviks kommun' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Publika listan (förhandsvisning)' })).toBeVisible();
  await screen(page, 'konton', info);
  await page.getByRole('link', { name: 'Testviks kommun' }).click();
  await expect(page.getByRole('heading', { name: 'Checklista för start' })).toBeVisible();
  const syfte = page.getByLabel('Svar: Syfte');
  await syfte.fill('Informera invånarna om avfall och återvinning');
  await syfte.press('Enter');
  await expect(page.locator('.check-item').first().getByText('Sparat.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Svar: Syfte')).toHaveValue('Informera invånarna om avfall och återvinning');
  await screen(page, 'konto', info);

  await go(page, 'Bevakning', 'Bevakning');
  const review = page.getByRole('row').filter({ hasText: 'testvikskommun' });
  await expect(review.getByText('Saknas')).toBeVisible();
  await review.getByRole('button', { name: /Markera bevakat i dag/ }).click();
  await expect(review.getByText('Bevakat', { exact: true })).toBeVisible();
  await screen(page, 'bevakning', info);

  await go(page, 'Larm och krisläge', 'Larm och krisläge');
  const crisis = page.locator('p.crisis-state');
  await expect(crisis).toContainText('Krisläget är av.');
  await screen(page, 'larm', info);
  await page.getByRole('button', { name: 'Slå på krisläget' }).click();
  await expect(crisis).toContainText('Krisläget är på.');
  await expect(page.getByRole('link', { name: 'Krisläge pågår' })).toBeVisible();
  await page.getByRole('button', { name: 'Stäng av krisläget' }).click();
  await expect(crisis).toContainText('Krisläget är av.');

  await go(page, 'Statistik', 'Statistik');
  await expect(page.locator('figure.chart canvas')).toHaveCount(6);
  // The figures per account and the reach figures, each with its total.
  await expect(page.getByRole('row').filter({ hasText: 'Totalt' })).toHaveCount(2);
  await expect(page.getByRole('heading', { name: 'Räckvidd', exact: true })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Inlägg med siffror' })).toBeVisible();
  await screen(page, 'statistik', info);

  await go(page, 'Användare och roller', 'Användare och roller');
  for (const u of ['eva', 'mona', 'maja', 'ali']) await expect(page.getByRole('cell', { name: u, exact: true })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'Besluta i ärenden' })).toBeVisible();
  await screen(page, 'anvandare', info);
  await page.getByLabel('Användarnamn').fill('arkiv');
  await page.getByLabel('Roll').selectOption('archivist');
  await page.getByLabel('Lösenord', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Lösenord igen').fill(PASSWORD);
  await page.getByRole('button', { name: 'Lägg till' }).click();
  if (served('POST', '/users')) await expect(page.getByRole('cell', { name: 'arkiv', exact: true })).toBeVisible();
  else await expect(page.getByText('Servern kan ännu inte ändra användare härifrån').first()).toBeVisible();

  await go(page, 'Policy', 'Policy');
  await expect(page.getByRole('row').filter({ hasText: 'four_eyes' })).toContainText('organisationen');
  await screen(page, 'policy', info);

  await go(page, 'Inkorg', 'Inkorg');
  await logout(page);
  // Logged out: a screen's address leads back to the login.
  await page.goto(`${base}/arenden`);
  await expect(page.getByRole('heading', { name: 'Logga in' })).toBeVisible();
});

test('people and publishing: samtycken, GDPR, utkast, styrdokument, lösenordsvalvet', async ({ page }, info) => {
  watch(page);
  // A redaktör sees drafts and consents, not the GDPR register or the vault.
  await login(page, 'eva');
  const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
  await expect(nav.getByRole('link', { name: 'Utkast', exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Samtycken', exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'GDPR-förfrågningar' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Lösenordsvalvet' })).toHaveCount(0);
  await logout(page);
  await login(page, 'ali');

  // Samtycken: one in force, one expired; withdrawing opens a takedown case for the post that uses it.
  await go(page, 'Samtycken', 'Samtycken');
  await expect(page.getByRole('row').filter({ hasText: 'Alva Ström' })).toContainText('Gäller');
  await expect(page.getByRole('row').filter({ hasText: 'Alva Ström' })).toContainText('Karin Ström');
  await expect(page.getByRole('row').filter({ hasText: 'Leo Nord' })).toContainText('Utgånget');
  await screen(page, 'samtycken', info);
  await page.getByRole('link', { name: 'Alva Ström' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Alva Ström' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: '314159265358979_2001' })).toContainText('Synlig');
  await page.getByLabel('Skäl').fill('Vårdnadshavaren har återkallat samtycket');
  await page.getByRole('button', { name: 'Återkalla' }).click();
  await expect(page.getByText('Samtycket är återkallat.')).toBeVisible();
  const after = page.getByRole('region', { name: 'Följder av återkallelsen' });
  await expect(after.getByRole('status')).toHaveText('1 inlägg använder samtycket; 1 ärenden om borttagning öppnades.');
  await expect(after.getByRole('link', { name: /^Ärende \d+$/ })).toBeVisible();
  await expect(after.getByText('Nytt', { exact: true })).toBeVisible();
  await expect(page.locator('.badges').getByText('Återkallat', { exact: true })).toBeVisible();
  await screen(page, 'samtycke-aterkallat', info);

  // GDPR: the request from October is overdue; close the other, register a new one, find the person.
  await go(page, 'GDPR-förfrågningar', 'GDPR-förfrågningar');
  const olof = page.getByRole('row').filter({ hasText: 'Olof Berg' });
  await expect(olof.getByText('Försenad', { exact: true })).toBeVisible();
  const kim = page.getByRole('row').filter({ hasText: 'kim.berg@example.se' });
  await expect(kim).toContainText('28 dagar kvar');
  await screen(page, 'gdpr', info);
  await kim.getByLabel(/Utfall för förfrågan/).fill('Uppgifterna raderade');
  await kim.getByRole('button', { name: /Avsluta/ }).click();
  await expect(page.getByText(/Förfrågan \d+ är avslutad\./)).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'kim.berg@example.se' })).toHaveCount(0);
  await page.getByLabel('Begäran').selectOption('access');
  await page.getByLabel('Inkom').fill('2026-11-19');
  await page.getByLabel('Namn', { exact: true }).first().fill('Maja Lindqvist');
  await page.getByRole('button', { name: 'Registrera' }).click();
  await expect(page.getByText(/Förfrågan \d+ är registrerad\./)).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'Maja Lindqvist' })).toContainText('Registerutdrag');
  await olof.getByRole('button', { name: /Var finns personen/ }).click();
  const found = page.getByRole('region', { name: 'Var finns personen?' });
  await expect(found.getByRole('status')).toContainText('träffar för Olof Berg');
  await expect(found.getByRole('row').filter({ hasText: 'Var kan jag lämna grenar' })).toContainText('avsändaren');
  await screen(page, 'gdpr-hittat', info);

  // Utkast: the check's points, each with its status and text; the questions answered.
  await go(page, 'Utkast', 'Utkast');
  await page.getByRole('link', { name: 'Utkast 1' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Utkast 1' })).toBeVisible();
  await expect(page.getByText('Utkastet är inte kontrollerat i den här versionen.')).toBeVisible();
  await page.getByRole('button', { name: 'Kontrollera', exact: true }).click();
  await expect(page.getByText('Utkastet är kontrollerat.')).toBeVisible();
  const points = page.getByRole('list', { name: 'Kontrollpunkter' });
  await expect(points.getByRole('listitem').filter({ hasText: 'Längd' })).toContainText('Godkänt');
  await expect(points.getByRole('listitem').filter({ hasText: 'Längd' })).toContainText('tecken på Facebook');
  await expect(page.getByText(/obesvarad fråga relevant/)).toBeVisible();
  const questions = page.getByRole('group', { name: 'Frågor att besvara' });
  for (const yes of await questions.getByLabel('Ja', { exact: true }).all()) await yes.check();
  await page.getByRole('button', { name: 'Kontrollera med svaren' }).click();
  await expect(page.getByText('Utkastet är kontrollerat.')).toBeVisible();
  await expect(page.getByText(/obesvarad fråga/)).toHaveCount(0);
  await expect(page.getByText('Inget hindrar publicering.')).toBeVisible();
  await screen(page, 'utkast', info);
  await page.getByLabel('Publicerat för hand på plattformen').check();
  await page.getByRole('button', { name: 'Publicera', exact: true }).click();
  await expect(page.getByText('Registrerat som publicerat för hand.')).toBeVisible();
  await expect(page.locator('.badges').getByText('Publicerat', { exact: true })).toBeVisible();

  // Styrdokument: due for review within 60 days; recording a review moves the next one two years on.
  await go(page, 'Styrdokument', 'Styrdokument');
  const doc = page.getByRole('listitem', { name: 'Riktlinjer för sociala medier' });
  await expect(doc.getByText('Snart dags för översyn')).toBeVisible();
  await expect(doc).toContainText('2026-12-15');
  await screen(page, 'styrdokument', info);
  await doc.getByLabel('Översett den').fill('2026-11-19');
  await doc.getByRole('button', { name: 'Registrera översyn' }).click();
  await expect(doc.getByText('Översynen av Riktlinjer för sociala medier är registrerad.')).toBeVisible();
  await expect(doc).toContainText('2028-11-19');
  await expect(doc.getByText('Snart dags för översyn')).toHaveCount(0);
  // A new document through the form: adopted four years ago, reviewed every fourth year (FÄ), so overdue.
  await page.getByLabel('Titel').fill('Kommunikationspolicy');
  await page.getByLabel('Antaget den').fill('2022-06-01');
  await page.getByLabel('Antaget av').fill('Kommunfullmäktige');
  await page.getByLabel('Ses över med intervall').fill('4y');
  await page.getByRole('button', { name: 'Registrera', exact: true }).click();
  const added = page.getByRole('listitem', { name: 'Kommunikationspolicy' });
  await expect(added).toContainText('2026-06-01');
  await expect(added).toContainText('FÖRSENAD');

  // Lösenordsvalvet: who may use each secret, never the secret; fewer than two is warned of.
  await go(page, 'Lösenordsvalvet', 'Lösenordsvalvet');
  const meta = page.getByRole('listitem', { name: 'Lösenord: Meta Business' });
  await expect(meta.getByText('Färre än två personer')).toBeVisible();
  await expect(meta).toContainText('Minst två personer ska kunna administrera kontot.');
  await expect(page.locator('main')).not.toContainText('inloggning-för-testvik');
  await screen(page, 'valv', info);
  await meta.getByLabel('Ge tillgång').selectOption({ label: 'Eva Ek' });
  await meta.getByRole('button', { name: /Ge tillgång/ }).click();
  await expect(meta.getByText('eva.ek@testvik.se har fått tillgång till Lösenord: Meta Business.')).toBeVisible();
  await expect(meta.getByText('2 personer')).toBeVisible();
  await expect(meta.getByText('Färre än två personer')).toHaveCount(0);
  await logout(page);
});

test('arkiv: the arkivarie reads the plan, holds an account and releases it, opens a gallringsprotokoll', async ({ page }, info) => {
  watch(page);
  await login(page, 'rut');
  await go(page, 'Arkiv', 'Arkiv');
  // Gallringsplan: every class with its rule and the policy text it cites.
  const plan = page.getByRole('region', { name: 'Gallringsplan', exact: true });
  await expect(plan).toContainText('Kanalvakt standardplan för sociala medier');
  const spam = plan.getByRole('row').filter({ hasText: 'gallras omedelbart' });
  await expect(spam).toContainText('AL Diarieföring och gallring');
  await expect(plan.getByRole('row').filter({ hasText: 'gallras efter 6 månader' })).toContainText('NY Diarieföring');
  // The registers the server keeps: snapshot, disclosure, package.
  await expect(page.getByRole('region', { name: 'Periodiska uttag', exact: true }).getByRole('row').filter({ hasText: 'testvikskommun' })).toContainText('periodiskt uttag.pdf');
  await expect(page.getByRole('region', { name: 'Utlämnanden', exact: true }).getByRole('row').filter({ hasText: 'KS 2026/0412' })).toContainText('Lokaltidningen');
  await expect(page.getByRole('region', { name: 'Arkivpaket', exact: true }).getByRole('row').filter({ hasText: 'testvikskommun' })).toContainText('2026-11-01 – 2026-11-19');
  await screen(page, 'arkiv', info);

  // Spärrar: a hold on the account with a reason, then released with one.
  const holds = page.getByRole('region', { name: 'Spärrar', exact: true });
  await expect(holds.getByText('Inga spärrar gäller.')).toBeVisible();
  await holds.getByLabel('Vad spärras').selectOption('account');
  await holds.getByLabel('Konto', { exact: true }).selectOption('testvikskommun');
  await holds.getByLabel('Skäl', { exact: true }).fill('Begäran om utlämnande, KS 2026/0412');
  await holds.getByRole('button', { name: 'Lägg spärr' }).click();
  await expect(holds.getByText('Konto testvikskommun är spärrat mot gallring.')).toBeVisible();
  const held = holds.getByRole('row').filter({ hasText: 'Konto testvikskommun' });
  await expect(held).toContainText('Begäran om utlämnande, KS 2026/0412');
  await expect(held.getByText('Gäller', { exact: true })).toBeVisible();
  await screen(page, 'arkiv-sparr', info);
  await held.getByLabel(/Skäl att häva spärren/).fill('Utlämnat');
  await held.getByRole('button', { name: /Häv/ }).click();
  await expect(holds.getByText('Spärren på Konto testvikskommun är hävd.')).toBeVisible();
  await expect(holds.getByText('Inga spärrar gäller.')).toBeVisible();
  await holds.getByLabel('Visa hävda spärrar också').check();
  await expect(holds.getByRole('row').filter({ hasText: 'Konto testvikskommun' })).toContainText('Utlämnat');

  // Gallringar: run 1's protokoll, and the platform run proposed under four eyes.
  const culls = page.getByRole('region', { name: 'Gallringar', exact: true });
  await culls.getByRole('button', { name: 'Visa protokoll för körning 1', exact: true }).click();
  const proto = page.getByRole('region', { name: 'Gallringsprotokoll 1', exact: true });
  await expect(proto).toContainText('Gallrat av');
  await expect(proto).toContainText('seed');
  await expect(proto).toContainText('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  await expect(proto).toContainText('Inget gallrades i körningen.');
  await culls.getByRole('button', { name: 'Visa protokoll för körning 1 på plattformen' }).click();
  const pproto = page.getByRole('region', { name: 'Gallringsprotokoll på plattformen 1', exact: true });
  await expect(pproto).toContainText('facebook/testvikskommun');
  await expect(pproto).toContainText('Föreslagen');
  await screen(page, 'arkiv-protokoll', info);
  await proto.getByRole('button', { name: /Stäng/ }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Gallringsprotokoll 1', exact: true })).toHaveCount(0);
  // On a phone the tables scroll inside their own regions; the page does not.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole('navigation', { name: 'Huvudmeny' })).toBeHidden();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screen(page, 'telefon-arkiv', info);
  await logout(page);
});

test('on a phone: the menu folds away and the inbox fits the screen', async ({ browser }, info) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  const page = await ctx.newPage();
  watch(page);
  await login(page, 'eva');
  await expect(page.getByRole('navigation', { name: 'Huvudmeny' })).toBeHidden();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await screen(page, 'telefon-inkorg', info);
  await page.getByRole('button', { name: 'Meny' }).click();
  await expect(page.getByRole('navigation', { name: 'Huvudmeny' })).toBeVisible();
  await screen(page, 'telefon-meny', info);
  await page.getByRole('link', { name: 'Sök', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sök' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Huvudmeny' })).toBeHidden();
  await logout(page);
  await ctx.close();
});
