// Swedish words and formats for what the API hands over in English: times in
// Europe/Stockholm, screening categories, states, roles; and the signature
// that ends an answer as Östhammar's handbook shows it.

const TZ = 'Europe/Stockholm';

const dateTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TZ,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

const dateOnly = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export function when(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function day(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateOnly.format(d);
}

/** Today's date (YYYY-MM-DD) in Stockholm. */
export function today(): string {
  return dateOnly.format(new Date());
}

/** A duration in seconds of working time, as "3 h 20 min" / "2 arbetsdagar". */
export function workingHours(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
  const m = Math.round(seconds / 60);
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (h === 0) return `${rest} min`;
  return rest ? `${h} h ${rest} min` : `${h} h`;
}

export const categoryLabel: Record<string, string> = {
  defamation_insult: 'Förtal, personangrepp, förolämpning',
  hate: 'Hets mot folkgrupp, trakasserier',
  threat: 'Olaga hot',
  violence: 'Olaga våldsskildring',
  sexual: 'Pornografi',
  crime_incitement: 'Uppmaning till brott',
  personal_id: 'Personnummer och id-nummer',
  contact: 'Kontaktuppgifter',
  financial: 'Bank- och kortnummer',
  sensitive: 'Känsliga personuppgifter',
  commercial: 'Reklam',
  political: 'Partipolitik',
  question: 'Fråga till kommunen',
  critical: 'Kritik mot kommunen',
};

export function categories(v: string | string[] | null | undefined): string[] {
  if (!v) return [];
  const list = Array.isArray(v) ? v : v.split(',');
  return list.map((s) => s.trim()).filter(Boolean);
}

export function category(c: string): string {
  return categoryLabel[c] || c;
}

/** Categories that call for moderation (not questions or criticism). */
export function isModerationFlag(c: string): boolean {
  return c !== 'question' && c !== 'critical';
}

export const questionState: Record<string, string> = {
  open: 'Öppen',
  answered: 'Besvarad',
  forwarded: 'Vidarebefordrad',
  no_answer: 'Inget svar behövs',
  referred: 'Hänvisad',
};

export const caseState: Record<string, string> = {
  open: 'Öppet',
  pending_confirmation: 'Väntar på bekräftelse',
  kept: 'Behålls',
  hidden: 'Dolt',
  removed: 'Borttaget',
};

export const decisionLabel: Record<string, string> = {
  keep: 'Behåll',
  hide: 'Dölj',
  remove: 'Ta bort',
};

export const itemState: Record<string, string> = {
  visible: 'Synlig',
  hidden: 'Dold',
  deleted: 'Raderad',
  removed: 'Borttagen',
  edited: 'Redigerad',
};

export const kindLabel: Record<string, string> = {
  post: 'Inlägg',
  comment: 'Kommentar',
  reply: 'Svar',
  message: 'Privat meddelande',
};

export const accountStatus: Record<string, string> = {
  proposed: 'Föreslaget',
  active: 'Aktivt',
  inactive: 'Inaktivt',
  closed: 'Stängt',
};

export const roleLabel: Record<string, string> = {
  admin: 'Administratör',
  editor: 'Redaktör',
  moderator: 'Moderator',
  advertiser: 'Annonsör',
  analyst: 'Analytiker',
  archivist: 'Arkivarie',
  custom: 'Anpassad',
};

export const eventLabel: Record<string, string> = {
  edited: 'Redigerad',
  deleted: 'Raderad på plattformen',
  hidden: 'Dold på plattformen',
  unhidden: 'Synlig igen',
  removed: 'Borttagen',
};

export function label(table: Record<string, string>, key: string | null | undefined): string {
  if (!key) return '–';
  return table[key] || key;
}

export interface Signer {
  name?: string | null;
  title?: string | null;
  org?: string | null;
}

/** "Vänliga hälsningar, Eva, kommunikatör på Östhammars kommun" (ÖS, avsändare). */
export function signature(p: Signer, template?: string | null): string {
  const first = (p.name || '').trim().split(/\s+/)[0] || '';
  const title = (p.title || '').trim();
  const role = title ? title.charAt(0).toLocaleLowerCase('sv-SE') + title.slice(1) : '';
  const org = (p.org || '').trim();
  if (template && template.trim()) {
    return template
      .replace(/\{förnamn\}|\{first_name\}/g, first)
      .replace(/\{namn\}|\{name\}/g, (p.name || '').trim())
      .replace(/\{titel\}|\{title\}/g, role)
      .replace(/\{organisation\}|\{org\}/g, org);
  }
  let s = `Vänliga hälsningar, ${first}`;
  if (role) s += `, ${role}${org ? ' på ' + org : ''}`;
  else if (org) s += `, ${org}`;
  return s;
}

export interface Flag {
  category: string;
  rule?: string;
  start: number;
  end: number;
  match?: string;
  score?: number;
}

export interface Segment {
  text: string;
  flag?: Flag;
}

/**
 * Cuts text into plain and flagged segments. Offsets are byte offsets into
 * the UTF-8 text (as the screening engine reports them); overlapping flags are
 * merged into the first one.
 */
export function segments(text: string, flags: Flag[] | null | undefined): Segment[] {
  if (!flags || flags.length === 0) return [{ text }];
  const bytes = new TextEncoder().encode(text);
  const dec = new TextDecoder();
  const sorted = [...flags]
    .filter((f) => f.start >= 0 && f.end > f.start && f.end <= bytes.length)
    .sort((a, b) => a.start - b.start);
  const out: Segment[] = [];
  let at = 0;
  for (const f of sorted) {
    if (f.start < at) continue;
    if (f.start > at) out.push({ text: dec.decode(bytes.subarray(at, f.start)) });
    out.push({ text: dec.decode(bytes.subarray(f.start, f.end)), flag: f });
    at = f.end;
  }
  if (at < bytes.length) out.push({ text: dec.decode(bytes.subarray(at)) });
  return out;
}
