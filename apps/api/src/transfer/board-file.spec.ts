import { describe, expect, it } from '@jest/globals';
import { BadBoardFile, planFromFile } from './board-file.js';

const limits = { maxColumns: 3, maxTasks: 2, maxLabels: 3 };
const own = (over: Record<string, unknown> = {}) => ({ format: 'tasklane.board', version: 1, board: { name: 'B', description: '' }, columns: [{ id: 'c1', name: 'One' }], tasks: [], members: [], ...over });
const problems = (file: unknown): string[] => {
  try {
    planFromFile(file, limits);
  } catch (error) {
    if (error instanceof BadBoardFile) return error.problems.map((p) => `${p.field}: ${p.errors.join(', ')}`);
    throw error;
  }
  return [];
};

describe('board files', () => {
  it('reads the own format: columns in order, tasks into their columns, labels trimmed and unique, dates normalised', () => {
    const plan = planFromFile(
      own({ labels: [{ name: 'a', color: '#AABBCC' }], columns: [{ id: 'c1', name: 'One' }, { id: 'c2', name: 'Two' }], tasks: [{ columnId: 'c2', title: 'T', labels: [' a', 'a', ''], dueAt: '2027-01-01T10:00:00+02:00', completedAt: '2027-01-02T10:00:00+02:00', archived: true }] }),
      limits,
    );
    expect(plan.columns).toEqual([
      { name: 'One', tasks: [] },
      { name: 'Two', tasks: [{ title: 'T', description: '', labels: ['a'], dueAt: '2027-01-01T08:00:00.000Z', completedAt: '2027-01-02T08:00:00.000Z', archived: true, checklist: [], comments: [] }] },
    ]);
    expect(plan.labels).toEqual([{ name: 'a', color: '#aabbcc' }]);
    expect(problems(own({ tasks: [{ columnId: 'c1', title: 'T', labels: ['nope'] }] }))).toEqual(['tasks[0].labels: names a label that is not in labels: nope']);
    expect(problems(own({ tasks: [{ columnId: 'c1', title: 'T', completedAt: 'yesterday' }] }))).toEqual(['tasks[0].completedAt: must be an ISO 8601 date-time or null']);
    expect(problems(own({ labels: [{ name: 'a', color: 'red' }, { name: 'a', color: '#000000' }] }))).toEqual(['labels[0].color: must be #rrggbb', 'labels[1].name: is used by another label (names are compared ignoring case)']);
  });

  it('names every problem by its JSON path', () => {
    expect(problems(own({ board: { name: 7 }, columns: [{ id: 'c1', name: 'One' }, { id: 'c1', name: '' }], tasks: [{ columnId: 'c9', title: 'x'.repeat(501), labels: 'a' }] }))).toEqual([
      'board.name: must be a string',
      'columns[1].name: must not be empty',
      'columns[1].id: is used by another column',
      'tasks[0].columnId: must be the id of a column of the file',
      'tasks[0].title: must be at most 500 characters',
      'tasks[0].labels: must be an array of strings',
    ]);
    expect(problems({ hello: 'world' })).toEqual([expect.stringMatching(/^\(file\): not a Tasklane board export/)]);
    expect(problems(own({ version: 3 }))).toEqual(['version: must be 1 (this server reads version 1)']);
    // A year Date.parse takes but PostgreSQL does not.
    expect(problems(own({ tasks: [{ columnId: 'c1', title: 'T', dueAt: '+020000-01-01T00:00:00Z' }] }))).toEqual(['tasks[0].dueAt: must be an ISO 8601 date-time or null']);
    expect(problems(own({ tasks: [{ columnId: 'c1', title: 'T', dueAt: '0000-06-01T00:00:00Z' }] }))).toEqual(['tasks[0].dueAt: must be an ISO 8601 date-time or null']);
  });

  it('compares label names ignoring case, as the database does, and trims names and titles as the API does', () => {
    expect(problems(own({ labels: [{ name: 'Bug', color: '#ff0000' }, { name: 'bug', color: '#00ff00' }] }))).toEqual(['labels[1].name: is used by another label (names are compared ignoring case)']);
    const plan = planFromFile(own({ columns: [{ id: 'c1', name: '  One  ' }], tasks: [{ columnId: 'c1', title: ' T ' }] }), limits);
    expect(plan.columns).toEqual([{ name: 'One', tasks: [expect.objectContaining({ title: 'T' })] }]);
  });

  it('refuses a board over the caps', () => {
    const columns = [1, 2, 3, 4].map((i) => ({ id: `c${i}`, name: `C${i}` }));
    const tasks = [1, 2, 3].map((i) => ({ columnId: 'c1', title: `t${i}` }));
    expect(problems(own({ columns, tasks }))).toEqual(['columns: a board has at most 3 columns, the file has 4', 'tasks: a board has at most 2 tasks, the file has 3']);
    const labels = [1, 2, 3, 4].map((i) => ({ name: `l${i}`, color: '#000000' }));
    expect(problems(own({ labels }))).toEqual(['labels: a board has at most 3 labels, the file has 4']);
    const trello = { name: 'T', lists: [{ id: 'a', name: 'A' }], cards: [1, 2, 3].map((i) => ({ id: `${i}`, name: `c${i}`, idList: 'a' })) };
    expect(problems(trello)).toEqual(['cards: a board has at most 2 tasks, the file has 3 cards in open lists']);
  });

  it('maps Trello: lists and cards by pos, closed cards archived, closed lists skipped and counted, labels with colours', () => {
    const plan = planFromFile(
      {
        name: 'T',
        labels: [{ id: 'l1', name: '', color: 'red' }],
        lists: [{ id: 'b', name: 'B', pos: 2 }, { id: 'a', name: 'A', pos: 1 }, { id: 'z', name: 'Z', pos: 3, closed: true }],
        cards: [{ id: '2', name: 'second', idList: 'a', pos: 20 }, { id: '1', name: 'first', idList: 'a', pos: 10, idLabels: ['l1'] }, { id: '3', name: 'gone', idList: 'a', closed: true }, { id: '4', name: 'in closed list', idList: 'z' }],
      },
      { ...limits, maxTasks: 3 },
    );
    expect(plan.columns.map((c) => [c.name, c.tasks.map((t) => `${t.title}${t.archived ? ' (archived)' : ''}`)])).toEqual([['A', ['gone (archived)', 'first', 'second']], ['B', []]]);
    expect(plan.columns[0].tasks[1].labels).toEqual(['red']);
    expect(plan.labels).toEqual([{ name: 'red', color: '#eb5a46' }]);
    expect(plan.skipped).toEqual({ archivedColumns: 1, archivedTasks: 1 });
  });

  it('maps Trello labels to unique names ignoring case, with a name for a blank one and grey for an unknown colour', () => {
    const plan = planFromFile(
      {
        name: 'T',
        labels: [{ id: 'l1', name: 'Green', color: 'green' }, { id: 'l2', name: '', color: 'green' }, { id: 'l3', name: '   ', color: 'constructor' }],
        lists: [{ id: 'a', name: 'A' }],
        cards: [{ id: '1', name: 'one', idList: 'a', idLabels: ['l1', 'l2', 'l3'] }],
      },
      limits,
    );
    expect(plan.labels).toEqual([{ name: 'Green', color: '#61bd4f' }, { name: 'constructor', color: '#b3bac5' }]);
    expect(plan.columns[0].tasks[0].labels).toEqual(['Green', 'constructor']);
  });

  it('takes a Trello checklist once however often a card names it, and counts the items before building them', () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `i${i}`, pos: i }));
    const file = (checkItems: unknown[], idChecklists: string[]) => ({ name: 'T', lists: [{ id: 'a', name: 'A' }], checklists: [{ id: 'k', name: 'K', checkItems }], cards: [{ id: '1', name: 'one', idList: 'a', idChecklists }] });
    const plan = planFromFile(file(items(3), ['k', 'k', 'k']), limits);
    expect(plan.columns[0].tasks[0].checklist.map((i) => i.text)).toEqual(['i0', 'i1', 'i2']);
    expect(problems(file(items(201), ['k']))).toEqual(['cards[0].idChecklists: a task has at most 200 checklist items, the card has 201']);
  });
});
