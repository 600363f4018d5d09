/** A board member as mention resolution needs them. */
export interface Mentionable {
  userId: string;
  name: string;
}

const WORD = /[\p{L}\p{N}_]/u;

/**
 * The members a comment's Markdown `body` mentions, in order of first mention, each once.
 *
 * A mention is `@` followed by a member's display name, compared ignoring case (Unicode
 * `toLocaleLowerCase('und')`), where the `@` starts the text or follows a character that is not a
 * letter, digit or `_` (so `ann@example.com` mentions nobody) and the name is followed by the end
 * or a character that is not a letter, digit or `_` (so `@Annabel` does not mention "Ann").
 * When several names match at one `@` the longest wins ("@Ann Lee" is "Ann Lee", not "Ann");
 * members sharing that exact name are all mentioned. `@` followed by anything else, such as the
 * name of someone not on the board, is plain text. Code spans are not special (a deliberate
 * simplification: mentioning in code is rare and harmless).
 */
export function resolveMentions(body: string, members: readonly Mentionable[]): string[] {
  const lower = body.toLocaleLowerCase('und');
  const names = members.filter((m) => m.name.trim() !== '').map((m) => ({ userId: m.userId, name: m.name.toLocaleLowerCase('und') }));
  const found: string[] = [];
  for (let at = lower.indexOf('@'); at >= 0; at = lower.indexOf('@', at + 1)) {
    if (at > 0 && WORD.test(body[at - 1])) continue;
    let best = 0;
    let ids: string[] = [];
    for (const m of names) {
      if (!lower.startsWith(m.name, at + 1)) continue;
      const next = lower[at + 1 + m.name.length];
      if (next !== undefined && WORD.test(next)) continue;
      if (m.name.length > best) {
        best = m.name.length;
        ids = [m.userId];
      } else if (m.name.length === best) ids.push(m.userId);
    }
    for (const id of ids) if (!found.includes(id)) found.push(id);
  }
  return found;
}
