// Statistik: per account and period, posts per week against the policy's
// target, questions answered within the deadline, median and p90 time to
// answer in working hours, comments by screening category, takedowns, and
// the reach figures the platforms gave for the own posts. Each
// chart has its figures beside it in a table, so nothing is only a picture.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import { api } from '../api';
import { category, day } from '../fmt';
import type { AccountStats, Stats } from '../types';
import { Field, Show, Title, useLoad } from '../ui';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
Chart.defaults.font.family = 'system-ui, sans-serif';
Chart.defaults.color = '#1f2933';
Chart.defaults.animation = false;

const COLORS = ['#0b4f6c', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0369a1', '#a16207', '#be185d', '#4d7c0f', '#334155'];

function ChartBox({ id, title, config }: { id: string; title: string; config: ChartConfiguration }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const c = new Chart(ref.current, { ...config, options: { responsive: true, maintainAspectRatio: false, ...(config.options || {}) } });
    return () => c.destroy();
  }, [JSON.stringify(config.data)]);
  return (
    <figure class="chart" aria-labelledby={`${id}-cap`}>
      <figcaption id={`${id}-cap`}>{title}</figcaption>
      <div class="chart-canvas">
        <canvas ref={ref} role="img" aria-label={`Diagram: ${title}. Siffrorna finns i tabellen nedan.`} />
      </div>
    </figure>
  );
}

function num(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '–' : v.toLocaleString('sv-SE', { maximumFractionDigits: digits });
}

function short(a: AccountStats): string {
  return a.account;
}

export function StatsScreen() {
  // Empty: the server's default period (the last 365 days, by its clock).
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [account, setAccount] = useState('');
  const [q, setQ] = useState({ from, to, account });
  const st = useLoad(() => api.get<Stats>('/stats', q), [q.from, q.to, q.account]);
  return (
    <section>
      <Title sub="Underlag för den årliga utvärderingen. Svarstider i arbetstimmar.">Statistik</Title>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setQ({ from, to, account });
        }}
      >
        <Field label="Från" hint="tomt: senaste året">{(id, d) => <input id={id} aria-describedby={d} type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />}</Field>
        <Field label="Till">{(id) => <input id={id} type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />}</Field>
        <Field label="Konto">{(id) => <input id={id} value={account} onInput={(e) => setAccount((e.target as HTMLInputElement).value.trim())} />}</Field>
        <button type="submit" class="primary">
          Visa
        </button>
      </form>
      <Show l={st}>{(s) => <StatsBody s={s} />}</Show>
    </section>
  );
}

function StatsBody({ s }: { s: Stats }) {
  const accs = s.accounts || [];
  const labels = accs.map(short);
  const cats = [...new Set(accs.flatMap((a) => Object.keys(a.comments_by_category || {})))];
  const t = s.total;
  return (
    <>
      <p class="summary">
        {day(s.from)} – {day(s.to)}: {t.posts} inlägg, {t.questions} frågor ({num(t.answered_in_time_pct, 0)} % besvarade i tid), median{' '}
        {num(t.median_response_hours)} h, p90 {num(t.p90_response_hours)} h, {t.takedowns} borttagningar.
      </p>
      <div class="charts">
        <ChartBox
          id="ch-posts"
          title="Inlägg per vecka mot målet"
          config={{
            type: 'bar',
            data: {
              labels,
              datasets: [
                { label: 'Inlägg per vecka', data: accs.map((a) => a.posts_per_week), backgroundColor: COLORS[0] },
                { label: 'Mål enligt policyn', data: accs.map((a) => a.target_posts_per_week), backgroundColor: COLORS[1] },
              ],
            },
          }}
        />
        <ChartBox
          id="ch-intime"
          title="Frågor besvarade inom svarstiden (%)"
          config={{
            type: 'bar',
            data: { labels, datasets: [{ label: 'Besvarade i tid (%)', data: accs.map((a) => a.answered_in_time_pct), backgroundColor: COLORS[2] }] },
            options: { scales: { y: { min: 0, max: 100 } } },
          }}
        />
        <ChartBox
          id="ch-resp"
          title="Svarstid i arbetstimmar: median och p90"
          config={{
            type: 'bar',
            data: {
              labels,
              datasets: [
                { label: 'Median', data: accs.map((a) => a.median_response_hours), backgroundColor: COLORS[0] },
                { label: '90:e percentilen', data: accs.map((a) => a.p90_response_hours), backgroundColor: COLORS[3] },
              ],
            },
          }}
        />
        <ChartBox
          id="ch-cats"
          title="Kommentarer per kategori"
          config={{
            type: 'bar',
            data: {
              labels,
              datasets: cats.map((c, i) => ({ label: category(c), data: accs.map((a) => (a.comments_by_category || {})[c] || 0), backgroundColor: COLORS[i % COLORS.length] })),
            },
            options: { scales: { x: { stacked: true }, y: { stacked: true } } },
          }}
        />
        <ChartBox
          id="ch-takedowns"
          title="Borttagningar (dolda och borttagna)"
          config={{
            type: 'bar',
            data: {
              labels,
              datasets: [
                { label: 'Dolda', data: accs.map((a) => a.hidden), backgroundColor: COLORS[5] },
                { label: 'Borttagna', data: accs.map((a) => a.removed), backgroundColor: COLORS[4] },
              ],
            },
            options: { scales: { x: { stacked: true }, y: { stacked: true } } },
          }}
        />
        <ChartBox
          id="ch-reach"
          title="Räckvidd: reaktioner, kommentarer och delningar på egna inlägg"
          config={{
            type: 'bar',
            data: {
              labels,
              datasets: [
                { label: 'Reaktioner', data: accs.map((a) => a.reach.reactions), backgroundColor: COLORS[6] },
                { label: 'Kommentarer', data: accs.map((a) => a.reach.comments), backgroundColor: COLORS[0] },
                { label: 'Delningar', data: accs.map((a) => a.reach.shares), backgroundColor: COLORS[7] },
              ],
            },
          }}
        />
      </div>
      <h2>Siffror per konto</h2>
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Tabell (kan rullas i sidled)">
        <table>
          <caption class="sr-only">Statistik per konto</caption>
          <thead>
            <tr>
              <th scope="col">Konto</th>
              <th scope="col">Inlägg/vecka</th>
              <th scope="col">Mål</th>
              <th scope="col">Frågor</th>
              <th scope="col">I tid</th>
              <th scope="col">Median (h)</th>
              <th scope="col">p90 (h)</th>
              <th scope="col">Kommentarer</th>
              <th scope="col">Borttagningar</th>
            </tr>
          </thead>
          <tbody>
            {[...accs, { ...t, account: 'Totalt' }].map((a) => (
              <tr key={a.account}>
                <th scope="row">{a.account}</th>
                <td>{num(a.posts_per_week)}</td>
                <td>{num(a.target_posts_per_week)}</td>
                <td>
                  {a.answered}/{a.questions}
                </td>
                <td>{a.answered_in_time_pct === null ? '–' : `${num(a.answered_in_time_pct, 0)} %`}</td>
                <td>{num(a.median_response_hours)}</td>
                <td>{num(a.p90_response_hours)}</td>
                <td>{a.comments}</td>
                <td>{a.takedowns}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Räckvidd</h2>
      <p class="hint">
        Det plattformarna uppgav för kontots egna inlägg när de senast fångades: summan över de inlägg som gav en siffra. Streck där plattformen inte
        gav någon (till exempel visningar och räckvidd utan statistikbehörighet).
      </p>
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Räckvidd per konto (kan rullas i sidled)">
        <table>
          <caption class="sr-only">Räckvidd per konto</caption>
          <thead>
            <tr>
              <th scope="col">Konto</th>
              <th scope="col">Inlägg med siffror</th>
              <th scope="col">Reaktioner</th>
              <th scope="col">Kommentarer</th>
              <th scope="col">Delningar</th>
              <th scope="col">Visningar</th>
              <th scope="col">Exponeringar</th>
              <th scope="col">Räckvidd</th>
              <th scope="col">Senast fångat</th>
            </tr>
          </thead>
          <tbody>
            {[...accs, { ...t, account: 'Totalt' }].map((a) => (
              <tr key={a.account}>
                <th scope="row">{a.account}</th>
                <td>{a.reach.posts_with_figures}</td>
                <td>{num(a.reach.reactions, 0)}</td>
                <td>{num(a.reach.comments, 0)}</td>
                <td>{num(a.reach.shares, 0)}</td>
                <td>{num(a.reach.views, 0)}</td>
                <td>{num(a.reach.impressions, 0)}</td>
                <td>{num(a.reach.reach, 0)}</td>
                <td>{a.reach.as_of ? day(a.reach.as_of) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
