// Seeds a database for the search benchmark, in a few set-based statements (generate_series, no
// row-by-row round trips): `boards` boards owned by `ownerId`, 3 columns each, `tasksPerBoard`
// tasks each with 4–8-word titles and 15–60-word descriptions drawn from a 400-word vocabulary
// with a skew (word i is picked with probability ∝ 1/√i-ish: a few very common words, a long
// tail), a quarter with a due date in the last or next 30 days, a third with an assignee.
// `member` (optional) is added as a viewer to the first `memberBoards` boards. Usable on its own:
//   node scripts/seed-search.mjs <postgres-url> <owner-user-id> [boards] [tasksPerBoard]
// (the owner must exist: register through the API first).
import pg from 'pg';

/** 400 words: 200 common English work words and 200 rarer, made-up project names. */
export const VOCABULARY = [
  ...'the of and to in for on with is are as be this that by from at or it an not we can will all new our more their has have been about which when one two they other use make time work team task project plan update review release deploy build test fix bug issue feature design user customer data report meeting email document draft final page site app api server client database backend frontend mobile web service code branch merge request ticket sprint backlog roadmap goal metric budget cost price contract legal hire onboarding training support help guide readme docs note list check status progress blocked done ready open close start finish week month quarter year today tomorrow monday friday urgent important small large quick simple complex first last next previous main local remote config setup install upgrade migrate backup restore security login password account profile settings search filter sort export import upload download share invite comment mention notify alert error warning log trace monitor dashboard chart graph table column row field form button menu icon color theme layout style font image video audio file folder archive label tag priority owner assignee editor viewer board card'.split(' '),
  ...Array.from({ length: 200 }, (_, i) => `proj${(i * 7919).toString(36)}`),
];

/**
 * Inserts the data. Returns the board ids (in order) and how long it took.
 * @param {string} url postgres:// URL of a migrated database
 * @param {{ ownerId: string, member?: string, memberBoards?: number, boards?: number, tasksPerBoard?: number }} o
 */
export async function seedSearch(url, { ownerId, member, memberBoards = 0, boards = 200, tasksPerBoard = 500 }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      `INSERT INTO boards (id, name, created_by) SELECT gen_random_uuid(), 'Bench board ' || g, $1 FROM generate_series(1, $2) g RETURNING id, name`,
      [ownerId, boards],
    );
    const ids = rows.sort((a, b) => Number(a.name.split(' ').pop()) - Number(b.name.split(' ').pop())).map((r) => r.id);
    await client.query(`INSERT INTO board_streams (board_id) SELECT unnest($1::uuid[])`, [ids]);
    await client.query(`INSERT INTO board_members (board_id, user_id, role) SELECT unnest($1::uuid[]), $2, 'owner'`, [ids, ownerId]);
    if (member && memberBoards > 0) await client.query(`INSERT INTO board_members (board_id, user_id, role) SELECT unnest($1::uuid[]), $2, 'viewer'`, [ids.slice(0, memberBoards), member]);
    await client.query(
      `INSERT INTO columns (id, board_id, name, position) SELECT gen_random_uuid(), b, c.name, c.pos FROM unnest($1::uuid[]) b, (VALUES ('To do', 'a0'), ('Doing', 'a1'), ('Done', 'a2')) c(name, pos)`,
      [ids],
    );
    // words(n): n words of the vocabulary, skewed towards the front (power(random(), 2)).
    await client.query(
      `CREATE TEMP TABLE vocab AS SELECT unnest($1::text[]) AS w;
       CREATE TEMP TABLE vocab_arr AS SELECT array_agg(w) AS a, count(*)::int AS n FROM vocab;`.replace(/\$1::text\[\]/, `ARRAY[${VOCABULARY.map((w) => `'${w}'`).join(',')}]`),
    );
    await client.query(
      `WITH cols AS (SELECT DISTINCT ON (board_id) board_id, id FROM columns WHERE board_id = ANY($1::uuid[]) ORDER BY board_id, position)
       INSERT INTO tasks (id, board_id, column_id, title, description, position, assignee_ids, due_at, created_by, updated_by)
       SELECT gen_random_uuid(), c.board_id, c.id,
              (SELECT string_agg(v.a[1 + floor(power(random(), 2) * v.n)::int], ' ') FROM vocab_arr v, generate_series(1, 4 + (g % 5)) x WHERE g > 0),
              (SELECT string_agg(v.a[1 + floor(power(random(), 2) * v.n)::int], ' ') FROM vocab_arr v, generate_series(1, 15 + (g * 7) % 46) x WHERE g > 0),
              'a' || lpad(to_hex(g), 6, '0'),
              CASE WHEN g % 3 = 0 THEN ARRAY[$2::uuid] ELSE '{}' END,
              CASE WHEN g % 4 = 0 THEN now() + make_interval(days => (g % 61) - 30) END,
              $2, $2
         FROM cols c, generate_series(1, $3) g`,
      [ids, ownerId, tasksPerBoard],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE tasks');
    return { boardIds: ids, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, ownerId, boards = '200', perBoard = '500'] = process.argv.slice(2);
  if (!url || !ownerId) {
    console.error('usage: node scripts/seed-search.mjs <postgres-url> <owner-user-id> [boards] [tasksPerBoard]');
    process.exit(2);
  }
  const { seconds } = await seedSearch(url, { ownerId, boards: Number(boards), tasksPerBoard: Number(perBoard) });
  console.log(`seeded ${Number(boards) * Number(perBoard)} tasks in ${boards} boards in ${seconds.toFixed(1)} s`);
}
