/**
 * The board file formats Tasklane reads and writes, and their mapping to an ImportPlan. Pure
 * functions (no I/O), unit-tested in board-file.spec.ts.
 *
 * Own format (`format: "tasklane.board"`, `version: 1`): written by `GET …/export?format=json`:
 * ```
 * { format, version, exportedAt, board: { name, description },
 *   labels: [{ name, color }],                    // the board's labels (#rrggbb)
 *   columns: [{ id, name }],                      // in display order
 *   tasks: [{ id, columnId, title, description, labels: [names], dueAt, completedAt, archived,
 *             checklist: [{ text, done }], comments: [{ author, body, createdAt }],
 *             assignees: [names], createdAt }],    // column by column, in display order
 *   members: [{ name, role }] }
 * ```
 * Trello: a board's "Export as JSON" (Trello REST board object with `lists`, `cards`, `labels`,
 * `checklists`, `actions`): lists → columns (by `pos`), cards → tasks (by `pos`; `name`, `desc`,
 * `due`, labels with their colours; `dueComplete: true` → done, at the card's `dateLastActivity`, else
 * at the time of the import), closed cards → archived tasks, checklists → checklist items
 * (with the checklist's name in front when a card has several), comment actions → comments by the
 * importer with the original author's name and date in the text; closed lists are skipped and
 * counted.
 */

/** The version of the own format this build writes and reads. */
export const BOARD_FILE_FORMAT = 'tasklane.board';
export const BOARD_FILE_VERSION = 1;

/** What an import creates: one board, its columns in order, each column's tasks in order. */
export interface ImportPlan {
  source: 'tasklane' | 'trello';
  name: string;
  description: string;
  /** The board's labels, unique by name. Tasks name theirs. */
  labels: { name: string; color: string }[];
  columns: { name: string; tasks: ImportTask[] }[];
  /** What was left out, for the import's status: closed Trello lists, and the cards in them. */
  skipped: { archivedColumns: number; archivedTasks: number };
}

export interface ImportTask {
  title: string;
  description: string;
  /** Names of labels of the plan. */
  labels: string[];
  dueAt: string | null;
  /** When the task was done (ISO-8601); null while open. Absent from files of older exports: open. */
  completedAt: string | null;
  archived: boolean;
  /** Checklist items in order. */
  checklist: { text: string; done: boolean }[];
  /** Comments, oldest first: their bodies with the original author's name and date in front. */
  comments: string[];
}

/** Most checklist items per task (CHECKLIST_ITEMS_PER_TASK_MAX) and the longest item and comment. */
const CHECKLIST_MAX = 200;
const ITEM_MAX = 500;
const COMMENT_MAX = 10_000;

/** A comment as imported: `**Author** (YYYY-MM-DD): text`, cut to COMMENT_MAX characters. */
export const importedComment = (author: string, date: string | null, body: string): string => `**${author}**${date ? ` (${date.slice(0, 10)})` : ''}: ${body}`.slice(0, COMMENT_MAX);

/** Trello's label colour names as #rrggbb (Trello's palette); unknown ones are grey. */
export const TRELLO_COLORS: Record<string, string> = {
  green: '#61bd4f',
  yellow: '#f2d600',
  orange: '#ff9f1a',
  red: '#eb5a46',
  purple: '#c377e0',
  blue: '#0079bf',
  sky: '#00c2e0',
  lime: '#51e898',
  pink: '#ff78cb',
  black: '#344563',
};
const GREY = '#b3bac5';
const COLOR = /^#[0-9a-f]{6}$/;

/** One problem of a file: where (a JSON path like `tasks[3].title`) and what. */
export interface FileProblem {
  field: string;
  errors: string[];
}

/** Thrown with every problem found (at most 20). */
export class BadBoardFile extends Error {
  constructor(readonly problems: FileProblem[]) {
    super(`the file is not a board export: ${problems.map((p) => `${p.field}: ${p.errors.join(', ')}`).join('; ')}`);
    this.name = 'BadBoardFile';
  }
}

/** Limits applied while reading a file (the caps of a board). */
export interface PlanLimits {
  maxColumns: number;
  maxTasks: number;
  /** Labels per board (LABELS_PER_BOARD_MAX). */
  maxLabels: number;
}

/**
 * Most comments, and most checklist items, one import creates (each is one INSERT in the import's
 * single transaction, so these bound its length). Trello's JSON export holds at most 1,000 actions.
 */
export const IMPORT_COMMENTS_MAX = 50_000;
export const IMPORT_CHECKLIST_ITEMS_MAX = 50_000;

const TITLE_MAX = 500;
const DESCRIPTION_MAX = 20_000;
const NAME_MAX = 200;
const BOARD_DESCRIPTION_MAX = 5000;
const LABEL_MAX = 50;
const LABELS_MAX = 50;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects problems with their JSON paths; `fail()` throws them all at once. */
class Problems {
  readonly list: FileProblem[] = [];
  add(field: string, error: string): void {
    if (this.list.length < 20) this.list.push({ field, errors: [error] });
  }
  fail(): void {
    if (this.list.length > 0) throw new BadBoardFile(this.list);
  }
  text(v: unknown, field: string, max: number, required = true): string {
    if (v === undefined || v === null) {
      if (required) this.add(field, 'is required');
      return '';
    }
    if (typeof v !== 'string') {
      this.add(field, 'must be a string');
      return '';
    }
    if (required && v.trim() === '') this.add(field, 'must not be empty');
    if (v.length > max) this.add(field, `must be at most ${max} characters`);
    return v;
  }
  date(v: unknown, field: string): string | null {
    if (v === undefined || v === null || v === '') return null;
    if (!isIsoDateTime(v)) {
      this.add(field, 'must be an ISO 8601 date-time or null');
      return null;
    }
    return new Date(v).toISOString();
  }
  labels(v: unknown, field: string): string[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((l) => typeof l !== 'string')) {
      this.add(field, 'must be an array of strings');
      return [];
    }
    return normaliseLabels(v as string[]);
  }
}

/** An ISO-8601 date-time with a four-digit year from 0001 (`2026-12-04T…`; not Date.parse's `+020000-…` nor year 0000, which PostgreSQL refuses). */
const isIsoDateTime = (v: unknown): v is string =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)) && /^(?!0000)\d{4}-/.test(new Date(v).toISOString());

/** An ISO-8601 date-time as ISO (UTC), or null for anything else: for Trello's metadata, which is no reason to refuse a file. */
const lenientDate = (v: unknown): string | null => (isIsoDateTime(v) ? new Date(v).toISOString() : null);

/** Trimmed, non-empty, unique labels of at most LABEL_MAX characters, at most LABELS_MAX of them. */
function normaliseLabels(labels: string[]): string[] {
  return [...new Set(labels.map((l) => l.trim().slice(0, LABEL_MAX)).filter((l) => l !== ''))].slice(0, LABELS_MAX);
}

/**
 * Reads a parsed file (our format or Trello's) into an ImportPlan.
 * @throws BadBoardFile listing what is wrong and where (JSON paths), also when the board would
 *   exceed `limits`
 */
export function planFromFile(file: unknown, limits: PlanLimits): ImportPlan {
  if (isObject(file) && file.format === BOARD_FILE_FORMAT) return planFromOwn(file, limits);
  if (isObject(file) && Array.isArray(file.lists) && Array.isArray(file.cards)) return planFromTrello(file, limits);
  throw new BadBoardFile([{ field: '(file)', errors: [`not a Tasklane board export (format "${BOARD_FILE_FORMAT}") nor a Trello board export (lists and cards)`] }]);
}

function checkLimits(p: Problems, plan: ImportPlan, limits: PlanLimits): void {
  if (plan.columns.length > limits.maxColumns) p.add('columns', `a board has at most ${limits.maxColumns} columns, the file has ${plan.columns.length}`);
  const tasks = plan.columns.reduce((n, c) => n + c.tasks.length, 0);
  if (tasks > limits.maxTasks) p.add('tasks', `a board has at most ${limits.maxTasks} tasks, the file has ${tasks}`);
  if (plan.labels.length > limits.maxLabels) p.add('labels', `a board has at most ${limits.maxLabels} labels, the file has ${plan.labels.length}`);
  let comments = 0;
  let items = 0;
  for (const column of plan.columns) {
    for (const task of column.tasks) {
      comments += task.comments.length;
      items += task.checklist.length;
    }
  }
  if (comments > IMPORT_COMMENTS_MAX) p.add('comments', `an import creates at most ${IMPORT_COMMENTS_MAX} comments, the file has ${comments}`);
  if (items > IMPORT_CHECKLIST_ITEMS_MAX) p.add('checklists', `an import creates at most ${IMPORT_CHECKLIST_ITEMS_MAX} checklist items, the file has ${items}`);
}

function planFromOwn(file: Json, limits: PlanLimits): ImportPlan {
  const p = new Problems();
  if (file.version !== BOARD_FILE_VERSION) {
    p.add('version', `must be ${BOARD_FILE_VERSION} (this server reads version ${BOARD_FILE_VERSION})`);
    p.fail();
  }
  const board = isObject(file.board) ? file.board : (p.add('board', 'must be an object'), {});
  const name = p.text(board.name, 'board.name', NAME_MAX);
  const description = p.text(board.description, 'board.description', BOARD_DESCRIPTION_MAX, false);
  const labels = new Map<string, string>();
  // Unique ignoring case, as the database's index on lower(name) has them.
  const labelKeys = new Set<string>();
  if (file.labels !== undefined && !Array.isArray(file.labels)) p.add('labels', 'must be an array');
  const fileLabels = Array.isArray(file.labels) ? file.labels : [];
  // Over the cap: said once, and the labels are not read one by one.
  if (fileLabels.length > limits.maxLabels) p.add('labels', `a board has at most ${limits.maxLabels} labels, the file has ${fileLabels.length}`);
  (fileLabels.length > limits.maxLabels ? [] : fileLabels).forEach((l: unknown, i) => {
    if (!isObject(l)) return p.add(`labels[${i}]`, 'must be an object');
    const name = p.text(l.name, `labels[${i}].name`, LABEL_MAX).trim();
    const color = typeof l.color === 'string' ? l.color.toLowerCase() : '';
    if (!COLOR.test(color)) p.add(`labels[${i}].color`, 'must be #rrggbb');
    if (labelKeys.has(name.toLowerCase())) p.add(`labels[${i}].name`, 'is used by another label (names are compared ignoring case)');
    labelKeys.add(name.toLowerCase());
    labels.set(name, color);
  });
  // Counts over the caps are refused before any per-item work (the work is linear, but a file of a
  // million tasks is still no reason to build a plan).
  const columnCount = Array.isArray(file.columns) ? file.columns.length : 0;
  const taskCount = Array.isArray(file.tasks) ? file.tasks.length : 0;
  if (columnCount > limits.maxColumns || taskCount > limits.maxTasks) {
    if (columnCount > limits.maxColumns) p.add('columns', `a board has at most ${limits.maxColumns} columns, the file has ${columnCount}`);
    if (taskCount > limits.maxTasks) p.add('tasks', `a board has at most ${limits.maxTasks} tasks, the file has ${taskCount}`);
    p.fail();
  }
  const columns: ImportPlan['columns'] = [];
  const byId = new Map<string, ImportPlan['columns'][number]>();
  if (!Array.isArray(file.columns)) p.add('columns', 'must be an array');
  else
    file.columns.forEach((c: unknown, i) => {
      if (!isObject(c)) return p.add(`columns[${i}]`, 'must be an object');
      const column = { name: p.text(c.name, `columns[${i}].name`, NAME_MAX).trim(), tasks: [] as ImportTask[] };
      if (typeof c.id !== 'string' || c.id === '') p.add(`columns[${i}].id`, 'must be a non-empty string');
      else if (byId.has(c.id)) p.add(`columns[${i}].id`, 'is used by another column');
      else byId.set(c.id, column);
      columns.push(column);
    });
  if (!Array.isArray(file.tasks)) p.add('tasks', 'must be an array');
  else
    file.tasks.forEach((t: unknown, i) => {
      if (!isObject(t)) return p.add(`tasks[${i}]`, 'must be an object');
      const column = typeof t.columnId === 'string' ? byId.get(t.columnId) : undefined;
      if (!column) p.add(`tasks[${i}].columnId`, 'must be the id of a column of the file');
      const task = {
        title: p.text(t.title, `tasks[${i}].title`, TITLE_MAX).trim(),
        description: p.text(t.description, `tasks[${i}].description`, DESCRIPTION_MAX, false),
        labels: p.labels(t.labels, `tasks[${i}].labels`),
        dueAt: p.date(t.dueAt, `tasks[${i}].dueAt`),
        completedAt: p.date(t.completedAt, `tasks[${i}].completedAt`),
        archived: t.archived === true,
        checklist: [] as ImportTask['checklist'],
        comments: [] as string[],
      };
      if (t.checklist !== undefined && !Array.isArray(t.checklist)) p.add(`tasks[${i}].checklist`, 'must be an array');
      (Array.isArray(t.checklist) ? t.checklist : []).forEach((item: unknown, j) => {
        if (!isObject(item)) return p.add(`tasks[${i}].checklist[${j}]`, 'must be an object');
        if (typeof item.done !== 'boolean') p.add(`tasks[${i}].checklist[${j}].done`, 'must be a boolean');
        task.checklist.push({ text: p.text(item.text, `tasks[${i}].checklist[${j}].text`, ITEM_MAX).trim(), done: item.done === true });
      });
      if (task.checklist.length > CHECKLIST_MAX) p.add(`tasks[${i}].checklist`, `a task has at most ${CHECKLIST_MAX} checklist items`);
      if (t.comments !== undefined && !Array.isArray(t.comments)) p.add(`tasks[${i}].comments`, 'must be an array');
      (Array.isArray(t.comments) ? t.comments : []).forEach((c: unknown, j) => {
        if (!isObject(c)) return p.add(`tasks[${i}].comments[${j}]`, 'must be an object');
        const body = p.text(c.body, `tasks[${i}].comments[${j}].body`, COMMENT_MAX);
        const author = typeof c.author === 'string' && c.author.trim() !== '' ? c.author.trim().slice(0, NAME_MAX) : 'someone';
        task.comments.push(importedComment(author, p.date(c.createdAt, `tasks[${i}].comments[${j}].createdAt`), body));
      });
      if (t.archived !== undefined && typeof t.archived !== 'boolean') p.add(`tasks[${i}].archived`, 'must be a boolean');
      const unknown = task.labels.find((l) => !labels.has(l));
      if (unknown !== undefined) p.add(`tasks[${i}].labels`, `names a label that is not in labels: ${unknown}`);
      column?.tasks.push(task);
    });
  const plan: ImportPlan = { source: 'tasklane', name, description, labels: [...labels].map(([n, color]) => ({ name: n, color })), columns, skipped: { archivedColumns: 0, archivedTasks: 0 } };
  checkLimits(p, plan, limits);
  p.fail();
  return plan;
}

/** Trello orders lists and cards by a numeric `pos`; ties keep the file's order. Each item comes with its index in `items`. */
const byPos = <T extends Json>(items: T[]): { item: T; i: number }[] =>
  items.map((item, i) => ({ item, i })).sort((a, b) => Number(a.item.pos ?? 0) - Number(b.item.pos ?? 0) || a.i - b.i);

function planFromTrello(file: Json, limits: PlanLimits): ImportPlan {
  // When a done card has no (valid) dateLastActivity, it is done as of the import.
  const importedAt = new Date().toISOString();
  const p = new Problems();
  const name = p.text(file.name, 'name', NAME_MAX);
  const description = p.text(file.desc, 'desc', BOARD_DESCRIPTION_MAX, false);
  const lists = (file.lists as unknown[]).filter((l, i): l is Json => isObject(l) || (p.add(`lists[${i}]`, 'must be an object'), false));
  const cards = (file.cards as unknown[]).filter((c, i): c is Json => isObject(c) || (p.add(`cards[${i}]`, 'must be an object'), false));
  const closedLists = new Set(lists.filter((l) => l.closed === true).map((l) => String(l.id)));
  // Counts over the caps are refused before any per-card work.
  const openLists = lists.length - lists.filter((l) => l.closed === true).length;
  const openCards = cards.filter((c) => !closedLists.has(String(c.idList))).length;
  if (openLists > limits.maxColumns || openCards > limits.maxTasks) {
    if (openLists > limits.maxColumns) p.add('lists', `a board has at most ${limits.maxColumns} columns, the file has ${openLists} open lists`);
    if (openCards > limits.maxTasks) p.add('cards', `a board has at most ${limits.maxTasks} tasks, the file has ${openCards} cards in open lists`);
    p.fail();
  }
  // Board labels by name (a nameless Trello label is named after its colour), with their colours.
  // Names are unique ignoring case, as the database's index on lower(name) has them: the first
  // spelling met is the label's.
  const labelNames = new Map<string, string>();
  const boardLabels = new Map<string, string>();
  const spellings = new Map<string, string>();
  const addLabel = (l: Json): string => {
    const color = typeof l.color === 'string' ? l.color : '';
    const named = (typeof l.name === 'string' ? l.name.trim() : '') || color.trim() || 'label';
    const label = named.slice(0, LABEL_MAX).trim();
    const key = label.toLowerCase();
    const known = spellings.get(key);
    if (known !== undefined) return known;
    spellings.set(key, label);
    boardLabels.set(label, Object.hasOwn(TRELLO_COLORS, color) ? TRELLO_COLORS[color] : GREY);
    return label;
  };
  for (const l of Array.isArray(file.labels) ? file.labels : []) if (isObject(l) && typeof l.id === 'string') labelNames.set(l.id, addLabel(l));
  const checklists = new Map<string, Json>();
  for (const c of Array.isArray(file.checklists) ? file.checklists : []) if (isObject(c) && typeof c.id === 'string') checklists.set(c.id, c);
  // Comments: actions of type commentCard, oldest first (Trello lists actions newest first).
  const comments = new Map<string, string[]>();
  const byDate = (x: Json, y: Json) => String(x.date).localeCompare(String(y.date));
  const actions = (Array.isArray(file.actions) ? file.actions : []).filter((a): a is Json => isObject(a) && a.type === 'commentCard');
  for (const a of actions.slice().sort(byDate)) {
    const data = isObject(a.data) ? a.data : {};
    const cardId = isObject(data.card) ? String(data.card.id) : '';
    const author = isObject(a.memberCreator) ? String(a.memberCreator.fullName || a.memberCreator.username || 'someone') : 'someone';
    const text = String(data.text ?? '').trim();
    if (text === '') continue;
    const thread = comments.get(cardId);
    const comment = importedComment(author, typeof a.date === 'string' ? a.date : null, text);
    if (thread) thread.push(comment);
    else comments.set(cardId, [comment]);
  }

  const columns: ImportPlan['columns'] = [];
  const byList = new Map<string, ImportPlan['columns'][number]>();
  let archivedColumns = 0;
  let archivedTasks = 0;
  byPos(lists).forEach(({ item: l, i }) => {
    if (l.closed === true) {
      archivedColumns++;
      return;
    }
    const column = { name: p.text(l.name, `lists[${i}].name`, NAME_MAX).trim(), tasks: [] as ImportTask[] };
    byList.set(String(l.id), column);
    columns.push(column);
  });
  byPos(cards).forEach(({ item: c, i }) => {
    if (closedLists.has(String(c.idList))) {
      archivedTasks++;
      return;
    }
    const column = byList.get(String(c.idList));
    if (!column) return p.add(`cards[${i}].idList`, 'must be the id of a list of the board');
    // Each checklist once, however often the card names it; the items are counted before they are built.
    const ids = [...new Set((Array.isArray(c.idChecklists) ? c.idChecklists : []).map(String))];
    const lists = ids.map((id) => checklists.get(id)).filter((l): l is Json => l !== undefined);
    const itemCount = lists.reduce((n, list) => n + (Array.isArray(list.checkItems) ? list.checkItems.length : 0), 0);
    let checklist: ImportTask['checklist'] = [];
    if (itemCount > CHECKLIST_MAX) p.add(`cards[${i}].idChecklists`, `a task has at most ${CHECKLIST_MAX} checklist items, the card has ${itemCount}`);
    else
      checklist = byPos(lists).flatMap(({ item: list }) =>
        byPos((Array.isArray(list.checkItems) ? list.checkItems : []).filter(isObject)).map(({ item: it }) => ({
          text: `${lists.length > 1 ? `${String(list.name ?? 'Checklist')}: ` : ''}${String(it.name ?? '')}`.trim().slice(0, ITEM_MAX) || '(empty)',
          done: it.state === 'complete',
        })),
      );
    const labels = [
      ...(Array.isArray(c.idLabels) ? c.idLabels.map((id) => labelNames.get(String(id)) ?? '') : []),
      ...(Array.isArray(c.labels) ? c.labels.filter(isObject).map(addLabel) : []),
    ];
    column.tasks.push({
      title: p.text(c.name, `cards[${i}].name`, TITLE_MAX).trim(),
      description: p.text(c.desc, `cards[${i}].desc`, DESCRIPTION_MAX, false),
      labels: normaliseLabels(labels),
      dueAt: p.date(c.due, `cards[${i}].due`),
      completedAt: c.dueComplete === true ? (lenientDate(c.dateLastActivity) ?? importedAt) : null,
      archived: c.closed === true,
      checklist,
      comments: comments.get(String(c.id)) ?? [],
    });
  });
  const plan: ImportPlan = { source: 'trello', name, description, labels: [...boardLabels].map(([n, color]) => ({ name: n, color })), columns, skipped: { archivedColumns, archivedTasks } };
  checkLimits(p, plan, limits);
  p.fail();
  return plan;
}
