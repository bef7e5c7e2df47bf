// Shapes of the API's answers, as docs/api/openapi.json describes them.

export interface Grant {
  role: string;
  label: string;
  all_accounts: boolean;
  accounts: number[];
  permissions: string[];
}

export interface Me {
  id: number;
  name: string;
  person: number | null;
  auth: string;
  grants: Grant[];
  permissions: string[];
}

export interface Session {
  csrf: string;
  user: Me;
  expires_at: string;
}

export interface Organisation {
  id: number;
  name: string;
  crisis: boolean;
}

export interface Unit {
  id: number;
  name: string;
  parent: string | null;
  closed_on: string | null;
}

export interface Person {
  id: number;
  name: string;
  title: string | null;
  email: string;
  phone: string | null;
  unit: string | null;
  contact_public: boolean;
  active: boolean;
}

export interface Account {
  id: number;
  platform: string;
  handle: string | null;
  platform_id: string | null;
  url: string | null;
  name: string | null;
  status: string;
  unit: string | null;
  purpose: string | null;
  goal: string | null;
  audience: string | null;
  responsible: string | null;
  deputy: string | null;
  admins: string[];
  decided_by: string | null;
  decided_on: string | null;
  decision_ref: string | null;
  posts_per_week: number | null;
  house_rules: string | null;
  opened_on: string | null;
  closed_on: string | null;
  closing_reason: string | null;
  checklist: Record<string, unknown>;
}

export interface CheckProblem {
  account: string;
  account_id: number;
  check: string;
  detail: string;
}

export interface Item {
  id: number;
  account: string;
  account_id: number;
  platform: string;
  platform_id: string;
  kind: string;
  parent: string | null;
  root: string | null;
  author_id: string | null;
  author: string | null;
  direction: 'inkommen' | 'upprättad';
  created_at: string | null;
  captured_at: string;
  permalink: string | null;
  state: string;
  versions: number;
  text: string;
  snippet: string | null;
  categories: string | null;
}

export interface Version {
  version: number;
  text: string;
  sha256: string;
  written_at: string | null;
  captured_at: string;
  source: string | null;
}

export interface ItemEvent {
  event: string;
  at: string;
  captured_at: string;
  source: string | null;
}

export interface Flag {
  category: string;
  score: number;
  rule: string;
  start: number;
  end: number;
  match: string;
}

export interface ItemDetail extends Omit<Item, 'versions'> {
  versions: Version[];
  events: ItemEvent[];
  flags: Flag[];
  media: unknown[];
  thread: Item[];
}

export interface Question {
  id: number;
  account: string;
  account_id: number;
  item: number;
  item_platform_id: string;
  state: string;
  arrived_at: string;
  due_at: string;
  overdue: boolean;
  referral: boolean;
  assigned_to: string | null;
  forwarded_to: string | null;
  note: string | null;
  closed_by: string | null;
  author: string | null;
  text: string;
  permalink: string | null;
  categories: string | null;
  answered_at: string | null;
  answer_item: number | null;
  /** How an answer given in Kanalvakt went out: through the platform's API or by hand. */
  answer_via?: 'api' | 'hand' | null;
  response_seconds: number | null;
  response_hours: number | null;
}

export interface Case {
  id: number;
  account: string;
  account_id: number;
  item: number;
  platform_id: string;
  author: string | null;
  text: string;
  categories: string;
  state: string;
  opened_at: string;
  due_at: string;
  overdue: boolean;
  decision: string | null;
  reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
  confirmed_by: string | null;
  confirmed_at: string | null;
  evidence_sha256: string | null;
  evidence_at: string | null;
  registration: string | null;
  external_ref: string | null;
  takedown: { via: string | null; by: string | null; at: string | null; result: string | null };
  history: boolean;
}

export interface CaseOutcome {
  case: Case;
  done: boolean;
  via_api: boolean;
  detail: string;
}

export interface Review {
  account: string;
  account_id: number;
  missing: boolean;
  last_review_at: string | null;
  last_review_by: string | null;
  interval: string;
  reviewed_since: string | null;
  due_at: string | null;
}

export interface Alert {
  id: number;
  account: string | null;
  account_id: number | null;
  kind: string;
  detail: unknown;
  created_at: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
}

export interface Crisis {
  on: boolean;
  changed: boolean;
}

export interface PolicyEntry {
  key: string;
  value: string;
  source: string;
}

export interface User {
  id: number;
  name: string;
  person: string | null;
  disabled: boolean;
  grants: Grant[];
  created_at: string;
}

export interface AccountStats {
  account: string;
  account_id: number;
  weeks: number;
  posts: number;
  posts_per_week: number;
  target_posts_per_week: number | null;
  questions: number;
  answered: number;
  answered_in_time: number;
  answered_in_time_pct: number | null;
  median_response_hours: number | null;
  p90_response_hours: number | null;
  comments: number;
  comments_by_category: Record<string, number>;
  takedowns: number;
  hidden: number;
  removed: number;
  reach: ReachFigures;
}

/* What the platforms gave for the own posts; null where no post gave it. */
export interface ReachFigures {
  posts_with_figures: number;
  as_of: string | null;
  reactions: number | null;
  comments: number | null;
  shares: number | null;
  views: number | null;
  impressions: number | null;
  reach: number | null;
}

export interface Stats {
  from: string;
  to: string;
  accounts: AccountStats[];
  total: AccountStats;
}

/* Proposed in docs/api/openapi.json by the web UI (not yet served). */
export interface StandardText {
  id: number;
  title: string;
  text: string;
  account: string | null;
}

export interface AnswerCopy {
  question: number;
  answered_at: string;
  answered_by: string | null;
  text: string;
  similarity: number;
}

export interface AnswerCheck {
  copies: AnswerCopy[];
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

// ---- people's data and publishing ----

export interface Consent {
  id: number;
  person_name: string;
  birth_date: string | null;
  guardian: string | null;
  valid_from: string;
  valid_to: string | null;
  scope: string[];
  document: { name: string | null; sha256: string | null; bytes: number };
  state: string;
  active: boolean;
  expired: boolean;
  created_by: string;
  created_at: string;
  withdrawn_by: string | null;
  withdrawn_at: string | null;
  withdraw_reason: string | null;
  erased: boolean;
  posts: number;
  post_list?: ConsentPost[];
}

export interface ConsentPost {
  item: number;
  captured: boolean;
  account: string | null;
  platform_id: string | null;
  state: string | null;
  permalink: string | null;
  case: number | null;
  case_opened?: boolean;
}

export interface ConsentWithdrawn {
  consent: number;
  state: string;
  posts: ConsentPost[];
  cases_opened: number;
}

export interface GdprSubject {
  name: string | null;
  email: string | null;
  phone: string | null;
  personnummer: string | null;
  handle: string | null;
}

export interface GdprRequest {
  id: number;
  kind: string;
  subject: GdprSubject;
  received: string;
  due_at: string;
  overdue: boolean;
  days_left: number;
  state: string;
  note: string | null;
  created_by: string;
  created_at: string;
  last_action: Record<string, unknown> | null;
  closed_by: string | null;
  closed_at: string | null;
  outcome: string | null;
}

/** One place a person occurs; `kind` says which fields are there. */
export interface GdprPlace {
  kind: string;
  id?: number;
  seq?: number;
  how: string | string[];
  [k: string]: unknown;
}

export interface GdprFound {
  subject: GdprSubject;
  places: GdprPlace[];
  counts: Record<string, number>;
  total: number;
}

export interface CheckPoint {
  key: string;
  title: string;
  status: string;
  detail: string;
}

export interface DraftQuestion {
  key: string;
  question: string;
  answer: string | null;
  automatic: boolean;
}

export interface Draft {
  id: number;
  account: string;
  account_id: number;
  platform: string;
  text: string;
  media: { name: string; alt?: string | null }[];
  shows_people: boolean;
  sensitive: boolean;
  needs_second_reader: boolean;
  publish_at: string | null;
  state: string;
  version: number;
  created_by: string;
  created_at: string;
  updated_at: string;
  check: { version: number; current: boolean; checked_by: string | null; checked_at: string | null; points: CheckPoint[] } | null;
  flagged: boolean;
  answers: Record<string, string>;
  answers_current: boolean;
  review: { state: string; current: boolean; by: string | null; at: string | null; reason: string | null };
  blocking: string[];
  ready: boolean;
  publish_error: string | null;
  published: { at: string; by: string | null; via: string | null; platform_id: string | null; item: number | null } | null;
}

export interface DraftCheck {
  draft: number;
  version: number;
  platform: string;
  points: CheckPoint[];
  questions: DraftQuestion[];
  flagged: boolean;
  needs_second_reader: boolean;
  sensitive_reasons: string[];
  blocking: string[];
  ready: boolean;
}

export interface PolicyDoc {
  id: number;
  title: string;
  adopted: string;
  by: string;
  review_every_months: number | null;
  next_review: string;
  last_review: string | null;
  responsible: string | null;
  state: string;
  days_left: number;
  overdue: boolean;
  accounts: string[];
}

export interface VaultSecret {
  id: number;
  account_id: number;
  account: string;
  kind: string;
  label: string | null;
  version: number;
  people: string[];
  n_people: number;
  two_or_more: boolean;
  created_by: string;
  created_at: string;
  rotated_by: string | null;
  rotated_at: string | null;
}

// ---- records (the archivist's screen) ----

export interface RetentionRule {
  class: string;
  label: string;
  /** The [konto] section's reference, or "-" for the organisation's rule. */
  account: string;
  rule: string;
  months: number | null;
  archive_first: boolean;
  line: number;
  source: string;
}

export interface RetentionPlan {
  version: number;
  name: string;
  sha256: string;
  rules: RetentionRule[];
}

export interface Hold {
  id: number;
  kind: string;
  ref: string;
  account: number;
  thread: string | null;
  reason: string;
  created_by: string;
  created_at: string | null;
  active: boolean;
  released_by: string | null;
  released_at: string | null;
  release_reason: string | null;
}

export interface CullRun {
  run: number;
  state: string;
  plan_version: number;
  as_of: string | null;
  by: string;
  started_at: string | null;
  finished_at: string | null;
  removed: number;
  list_sha256: string | null;
}

export interface CullCount {
  class: string;
  label: string;
  account: string;
  what: string;
  count: number;
  plan_line: number;
  rule: string;
  removed_before: string | null;
  source: string | null;
}

export interface CullProtokoll {
  run: number;
  state: string;
  plan: { version: number; name: string; sha256: string };
  as_of: string | null;
  period: { started_at: string | null; finished_at: string | null; rules_applied_at: string | null };
  by: string;
  counts: CullCount[];
  removed: number;
  files_removed: number;
  versions: number;
  bytes_reclaimed: number;
  list: { entries: number; sha256: string };
}

export interface PlatformCullRun {
  run: number;
  account_id: number;
  state: string;
  months: number;
  as_of: string | null;
  proposed_by: string;
  confirmed_by: string | null;
  finished_at: string | null;
  list_sha256: string | null;
}

export interface PlatformCullEntry {
  platform_id: string;
  outcome: string;
  written?: string | null;
  at?: string | null;
  detail?: string | null;
}

export interface PlatformCullProtokoll {
  format: string;
  run: number;
  account: string;
  platform: string;
  rule: string;
  months: number;
  as_of: string | null;
  deleted_before: string | null;
  proposed_by?: string | null;
  confirmed_by?: string | null;
  by_hand?: boolean;
  state?: string;
  counts: Record<string, number>;
  entries: PlatformCullEntry[];
  list_sha256: string | null;
}

export interface Snapshot {
  id: number;
  account: string;
  date: string;
  reason: string;
  file: string;
  path: string;
  sha256: string;
  bytes: number;
  pages: number;
  items: number;
  taken_by: string;
  taken_at: string | null;
  timestamp: { state: string; gen_time: string | null } | null;
}

export interface Disclosure {
  id: number;
  account: string;
  ref: string;
  requester: string;
  selection: unknown;
  items: number;
  masks: { kind: string; reason?: string; count: number }[] | null;
  dir: string;
  files: { name: string; sha256: string; bytes: number }[] | null;
  manifest_sha256: string;
  disclosed_by: string;
  disclosed_at: string | null;
}

export interface ArchivePackage {
  objid: string;
  account: string;
  from: string;
  to: string;
  items: number;
  files: number;
  bytes: number;
  path: string;
  mets_sha256: string | null;
  created_at: string;
  created_by: string;
}
